import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerMissingKernels } from './missing-kernels.js';
import { Rng, randomArray, relError, runOn } from './test-helpers.js';

function reference(x: Float32Array, ids: Int32Array, inner: number, numSegments: number): Float32Array {
  const out = new Float32Array(numSegments * inner);
  ids.forEach((s, i) => {
    if (s < 0 || s >= numSegments) return;
    for (let j = 0; j < inner; j++) out[s * inner + j]! += x[i * inner + j]!;
  });
  return out;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerMissingKernels('wasm');
  await tf.setBackend('cpu');
  registerMissingKernels('cpu');
});

describe.each(['wasm', 'cpu'])('UnsortedSegmentSum on %s', (backend) => {
  it('matches a scatter-add reference (inner dims, repeats, out-of-range ids dropped)', () => {
    const rng = new Rng(7);
    for (const [n, inner, segs] of [
      [1, 1, 1],
      [50, 1, 7],
      [300, 16, 40],
      [33, 5, 3],
    ] as const) {
      const x = randomArray(rng, n * inner);
      const ids = Int32Array.from({ length: n }, () => rng.int(segs + 2) - 1); // includes -1 and segs
      const [out] = runOn(
        backend,
        [
          { values: x, shape: [n, inner] },
          { values: ids, shape: [n], dtype: 'int32' },
        ],
        (a, b) => tf.unsortedSegmentSum(a!, b as tf.Tensor1D, segs),
      );
      expect(out!.shape).toEqual([segs, inner]);
      expect(relError(out!.values, reference(x, ids, inner, segs))).toBeLessThan(1e-6);
    }
  });

  it('handles int32 data and 2-D segment ids', () => {
    const [out] = runOn(
      backend,
      [
        { values: Int32Array.from([1, 2, 3, 4, 5, 6]), shape: [2, 3], dtype: 'int32' },
        { values: Int32Array.from([0, 2, 0, 1, 1, 1]), shape: [2, 3], dtype: 'int32' },
      ],
      (a, b) => tf.unsortedSegmentSum(a!, b as tf.Tensor1D, 3),
    );
    expect(Array.from(out!.values)).toEqual([4, 15, 2]);
  });

  it('is the gradient of tf.gather, O(n) in the ids (260k-row table)', () => {
    tf.setBackend(backend);
    const table = tf.variable(tf.zeros([260_000, 16]));
    const ids = tf.tensor1d(
      Int32Array.from({ length: 2048 }, (_, i) => (i * 127) % 260_000),
      'int32',
    );
    const before = tf.memory().numTensors;
    const t = performance.now();
    const { value, grads } = tf.variableGrads(() => tf.sum(tf.gather(table, ids)) as tf.Scalar, [table]);
    const g = grads[table.name]!.dataSync();
    expect(performance.now() - t).toBeLessThan(5000);
    expect(g[0]).toBe(1);
    expect(Array.from(g).reduce((a, b) => a + b, 0)).toBe(2048 * 16);
    tf.dispose([value, grads[table.name]!]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([table, ids]);
  });
});
