import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossStitchUnit, FieldOffset, MaskedMean } from './custom-layers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Saves a one-layer model's topology + weights in memory and loads it back (through the registered class). */
async function roundTrip(model: tf.LayersModel): Promise<tf.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tf.loadLayersModel(tf.io.fromMemory(saved!));
}

describe('Polytask custom layers', () => {
  it('FieldOffset adds each field its offset (and the shift) along axis 1; the config survives save/load', async () => {
    const ids = tf.input({ shape: [2, 2], dtype: 'int32' });
    const model = tf.model({ inputs: ids, outputs: new FieldOffset({ offsets: [0, 5], shift: 1 }).apply(ids) as tf.SymbolicTensor });
    const loaded = await roundTrip(model);
    const x = tf.tensor3d(
      [
        [
          [0, -1],
          [2, 3],
        ],
      ],
      [1, 2, 2],
      'int32',
    );
    // field 0: +0+1, field 1: +5+1
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual([1, 0, 8, 9]);
    expect(loaded.layers[1]!.getConfig()).toMatchObject({ offsets: [0, 5], shift: 1 });
  });

  it('MaskedMean averages the vectors of present ids (≥ 0) per field, zero for none', async () => {
    const vectors = tf.input({ shape: [2, 3, 2] });
    const ids = tf.input({ shape: [2, 3], dtype: 'int32' });
    const model = tf.model({ inputs: [vectors, ids], outputs: new MaskedMean({}).apply([vectors, ids]) as tf.SymbolicTensor });
    const loaded = await roundTrip(model);
    const v = tf.tensor4d(
      [
        [
          [
            [1, 2],
            [3, 4],
            [100, 100],
          ],
          [
            [7, 7],
            [8, 8],
            [9, 9],
          ],
        ],
      ],
      [1, 2, 3, 2],
    );
    const i = tf.tensor3d(
      [
        [
          [4, 0, -1],
          [-1, -1, -1],
        ],
      ],
      [1, 2, 3],
      'int32',
    );
    // field 0: mean of (1,2) and (3,4); field 1: no ids
    expect(Array.from((loaded.predict([v, i]) as tf.Tensor).dataSync())).toEqual([2, 3, 0, 0]);
  });

  it('CrossStitchUnit mixes T columns with its T×T kernel: out_i = Σ_j k[i, j]·h_j', async () => {
    const a = tf.input({ shape: [2] });
    const b = tf.input({ shape: [2] });
    const unit = new CrossStitchUnit({ columns: 2, name: 'stitch' });
    const outs = unit.apply([a, b]) as tf.SymbolicTensor[];
    const model = tf.model({ inputs: [a, b], outputs: outs });
    unit.setWeights([tf.tensor2d([0.9, 0.1, 0.25, 0.75], [2, 2])]);
    const loaded = await roundTrip(model);
    expect(loaded.weights.map((w) => w.originalName)).toEqual(['stitch/kernel']);
    const [y0, y1] = loaded.predict([tf.tensor2d([[1, 2]]), tf.tensor2d([[10, 20]])]) as tf.Tensor[];
    expect(Array.from(y0!.dataSync())).toEqual([Math.fround(0.9 + 1), Math.fround(1.8 + 2)].map((x) => expect.closeTo(x, 6)));
    expect(Array.from(y1!.dataSync())).toEqual([0.25 + 7.5, 0.5 + 15].map((x) => expect.closeTo(x, 6)));
  });
});
