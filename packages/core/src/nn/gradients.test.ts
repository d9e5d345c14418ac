import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { CrossStitch } from '../arch/cross-stitch.js';
import { Gate } from '../arch/mixture.js';
import { maxRelativeError, numericalGradient } from '../testing/index.js';
import { EmbeddingTrunk } from '../trunk/embedding-trunk.js';
import { Rng } from '../util/rng.js';
import { Dense } from './dense.js';
import { Mlp } from './mlp.js';
import type { Parameter } from './module.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
  tf.env().set('WEBGL_PACK', false);
});

/** Checks tf's analytic gradient of f against central differences, for every parameter. */
function checkGradients(params: Parameter[], f: () => tf.Scalar): void {
  const vars = params.map((p) => p.variable);
  const { value, grads } = tf.variableGrads(f, vars);
  value.dispose();
  for (const v of vars) {
    const analytic = grads[v.name]!.dataSync();
    const numeric = numericalGradient(f, v, 1e-2);
    expect(maxRelativeError(analytic, numeric)).toBeLessThan(2e-2);
  }
  tf.dispose(Object.values(grads));
}

// float32 central differences: smooth activations and a smooth loss keep the check meaningful.
const x = () =>
  tf.tensor2d([
    [0.3, -0.7, 1.1],
    [0.5, 0.2, -0.4],
  ]);

describe('numerical gradient checks of core layers', () => {
  it('Dense (tanh) under a quadratic loss', () => {
    const d = new Dense('d', 3, 2, new Rng(1), { activation: 'tanh' });
    checkGradients(d.parameters(), () => tf.sum(tf.square(d.apply(x()))) as tf.Scalar);
  });

  it('Mlp (sigmoid hidden layers)', () => {
    const m = new Mlp('m', 3, [4, 2], new Rng(2), { activation: 'sigmoid' });
    checkGradients(m.parameters(), () => tf.sum(tf.square(m.apply(x(), { training: false }))) as tf.Scalar);
  });

  it('MMoE gate mixing experts', () => {
    const g = new Gate('g', 3, 2, new Rng(3));
    const experts = tf.tensor3d([
      [
        [1, 2],
        [0.5, -1],
      ],
      [
        [0.2, 0.1],
        [-0.3, 0.7],
      ],
    ]);
    checkGradients(g.parameters(), () => tf.sum(tf.square(g.mix(x(), experts))) as tf.Scalar);
  });

  it('embedding trunk (field offsets, dense concat, multi-valued mean pooling)', () => {
    const trunk = new EmbeddingTrunk(
      { embeddingDim: 2, units: [3] },
      {
        name: 't',
        rng: new Rng(4),
        data: {
          inputs: {
            sparse: { shape: [2], dtype: 'int32', vocabSizes: [3, 4] },
            dense: { shape: [1], dtype: 'float32' },
            multi: { shape: [1, 3], dtype: 'int32', vocabSizes: [5] },
          },
        },
      },
    );
    const inputs = () => ({
      sparse: tf.tensor2d(
        [
          [0, 3],
          [2, 1],
        ],
        undefined,
        'int32',
      ),
      dense: tf.tensor2d([[0.5], [-1]]),
      multi: tf.tensor3d([[[0, 4, -1]], [[2, -1, -1]]], undefined, 'int32'),
    });
    checkGradients(trunk.parameters(), () => tf.sum(tf.square(tf.sigmoid(trunk.apply(inputs(), { training: false })))) as tf.Scalar);
  });

  it('embedding trunk output: field offsets index one shared table', () => {
    const trunk = new EmbeddingTrunk(
      { embeddingDim: 1 },
      { name: 't2', rng: new Rng(5), data: { inputs: { sparse: { shape: [2], dtype: 'int32', vocabSizes: [2, 3] } } } },
    );
    const table = trunk.parameters()[0]!.variable.dataSync();
    const out = trunk.apply({ sparse: tf.tensor2d([[1, 2]], undefined, 'int32') }, { training: false }).dataSync();
    expect(out[0]).toBeCloseTo(table[1]!, 7);
    expect(out[1]).toBeCloseTo(table[2 + 2]!, 7);
  });

  it('cross-stitch columns and stitch units', () => {
    const cs = new CrossStitch({ units: [3, 2] }, { name: 'cs', rng: new Rng(6), branches: ['a', 'b'], inputShape: [3] });
    const loss = () =>
      tf.tidy(() => {
        const rep = cs.encode(x(), { training: false });
        return tf.add(
          tf.sum(tf.square(tf.tanh(cs.branchInput(rep, 'a', { training: false })))),
          tf.sum(tf.tanh(cs.branchInput(rep, 'b', { training: false }))),
        ) as tf.Scalar;
      });
    // ReLU columns: keep inputs away from kinks by checking only the stitch units and last layers precisely.
    checkGradients(
      cs.parameters().filter((p) => p.name.includes('stitch') || p.name.includes('dense_1')),
      loss,
    );
  });
});
