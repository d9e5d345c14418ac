import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BatchNorm } from '../nn/batch-norm.js';
import { Conv2d, type Conv2dOptions } from '../nn/conv2d.js';
import { Dense } from '../nn/dense.js';
import { BiLstm, Lstm } from '../nn/lstm.js';
import { disposeModule, INFERENCE, type Module } from '../nn/module.js';
import { Rng } from '../util/rng.js';
import { ExportGraph } from './graph.js';
import { batchNormLayer, biLstmLayer, conv2dLayers, denseLayer, lstmLayer } from './nn-layers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Seeded random values in every parameter (variances positive), so no weight passes by being zero or one. */
function randomize(module: Module, seed: number): void {
  const rng = new Rng(seed);
  for (const p of module.parameters()) {
    const v = p.trainable
      ? tf.randomUniform(p.variable.shape, -0.8, 0.8, 'float32', rng.nextUint32())
      : tf.randomUniform(p.variable.shape, 0.3, 1.7, 'float32', rng.nextUint32());
    p.variable.assign(v);
    v.dispose();
  }
}

/** Builds a one-input graph with `add`, saves and reloads it (topology + weights) and predicts `x` with the reloaded model. */
async function exportedPredict(
  shape: number[],
  add: (g: ExportGraph, x: tf.SymbolicTensor) => tf.SymbolicTensor,
  x: tf.Tensor,
): Promise<tf.Tensor> {
  const g = new ExportGraph({ inputs: { x: { shape, dtype: 'float32' } } });
  const model = g.build([add(g, g.input('x'))]);
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
  const y = loaded.predict(x) as tf.Tensor;
  loaded.dispose();
  return y;
}

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  expect(a.shape).toEqual(b.shape);
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);
}

describe('nn layers as stock tfjs-layers layers (after a save/load round trip)', () => {
  it('Dense with each activation (gelu: the tanh approximation, a Polytask>GeluTanh layer after a linear Dense)', async () => {
    for (const activation of ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'gelu'] as const) {
      const dense = new Dense('d', 5, 4, new Rng(1), { activation });
      randomize(dense, 2);
      const x = tf.randomNormal([7, 5], 0, 2, 'float32', 3);
      const y = await exportedPredict([5], (g, s) => denseLayer(g, dense, s), x);
      expect(maxAbsDiff(y, dense.apply(x)), activation).toBeLessThan(1e-5);
      disposeModule(dense);
    }
  });

  it('BatchNorm at inference normalises with the running statistics', async () => {
    const bn = new BatchNorm('bn', 4, { momentum: 0.8, epsilon: 1e-3 });
    randomize(bn, 4);
    const x = tf.randomNormal([6, 3, 4], 1, 2, 'float32', 5);
    const y = await exportedPredict([3, 4], (g, s) => batchNormLayer(g, bn, s), x);
    expect(maxAbsDiff(y, bn.apply(x, INFERENCE))).toBeLessThan(1e-5);
    disposeModule(bn);
  });

  const convs: Conv2dOptions[] = [
    { kernelSize: 3, padding: 'same', activation: 'relu' },
    { kernelSize: 3, padding: 1, stride: 2, useBias: false },
    { kernelSize: 2, padding: 'valid', dilation: 2 },
  ];
  for (const options of convs) {
    it(`Conv2d ${JSON.stringify(options)}`, async () => {
      const conv = new Conv2d('conv', 3, 5, new Rng(6), options);
      randomize(conv, 7);
      const x = tf.randomNormal([2, 7, 7, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
      const y = await exportedPredict([7, 7, 3], (g, s) => conv2dLayers(g, conv, s), x);
      expect(maxAbsDiff(y, conv.apply(x))).toBeLessThan(1e-5);
      disposeModule(conv);
    });
  }

  it('Lstm (sigmoid gates, every step returned) and BiLstm (forward ‖ backward, in time order)', async () => {
    const x = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 9) as tf.Tensor3D;
    const lstm = new Lstm('lstm', 4, 5, new Rng(10));
    randomize(lstm, 11);
    expect(maxAbsDiff(await exportedPredict([6, 4], (g, s) => lstmLayer(g, lstm, s), x), lstm.apply(x))).toBeLessThan(1e-5);
    const bi = new BiLstm('bilstm', 4, 5, new Rng(12));
    randomize(bi, 13);
    expect(maxAbsDiff(await exportedPredict([6, 4], (g, s) => biLstmLayer(g, bi, s), x), bi.apply(x))).toBeLessThan(1e-5);
    const reversed = new Lstm('back', 4, 5, new Rng(14), { reverse: true });
    expect(() =>
      lstmLayer(new ExportGraph({ inputs: { x: { shape: [6, 4], dtype: 'float32' } } }), reversed, tf.input({ shape: [6, 4] })),
    ).toThrow(/reversed LSTM on its own/);
    for (const m of [lstm, bi, reversed]) disposeModule(m);
  });
});
