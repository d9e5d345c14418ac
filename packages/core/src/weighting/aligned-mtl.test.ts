import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { alignedMtlWeights, createAlignedMtl } from './aligned-mtl.js';
import { symmetricEigen } from './solvers/jacobi-eigen.js';
import { buildContext, gramOf, randomMatrix, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Aligned-MTL', () => {
  it('orthogonal gradients of equal norm: their plain sum (α = 1)', () => {
    const w = createAlignedMtl({}, buildContext(3));
    const rows = [
      [2, 0, 0, 0],
      [0, 0, 2, 0],
      [0, 2, 0, 0],
    ];
    const g = tf.tensor2d(rows);
    const r = w.combineGradients(g, [1, 1, 1], stepContext(3));
    r.weights.forEach((x) => {
      expect(x).toBeCloseTo(1, 6);
    });
    expect(Array.from(r.direction.dataSync())).toEqual([2, 2, 2, 0]);
    tf.dispose([g, r.direction]);
  });
  it('orthogonal gradients of different norms: α_t = min‖g‖/‖g_t‖ (sum of unit vectors × smallest norm)', () => {
    const a = alignedMtlWeights([
      [9, 0],
      [0, 1],
    ]);
    expect(a[0]).toBeCloseTo(1 / 3, 10);
    expect(a[1]).toBeCloseTo(1, 10);
  });
  it('the aligned matrix B has BMB = λ_min·I (equal singular values) on random full-rank Grams', () => {
    const rng = new Rng(6);
    for (let T = 2; T <= 5; T++) {
      const M = gramOf(randomMatrix(rng, T, T + 2));
      const { values, vectors: V } = symmetricEigen(M);
      const lmin = values[T - 1]!;
      // Reconstruct B and check B M B = λ_min I, and α = B·1.
      const B = M.map((_, i) =>
        M.map((__, j) => values.reduce((s, l, k) => s + (V[i]![k]! * V[j]![k]! * Math.sqrt(lmin)) / Math.sqrt(l), 0)),
      );
      const BM = B.map((r) => M[0]!.map((_, j) => r.reduce((s, b, k) => s + b * M[k]![j]!, 0)));
      const BMB = BM.map((r) => B[0]!.map((_, j) => r.reduce((s, b, k) => s + b * B[k]![j]!, 0)));
      for (let i = 0; i < T; i++) {
        for (let j = 0; j < T; j++) expect(BMB[i]![j]).toBeCloseTo(i === j ? lmin : 0, 8);
      }
      const alpha = alignedMtlWeights(M);
      for (let i = 0; i < T; i++)
        expect(alpha[i]).toBeCloseTo(
          B[i]!.reduce((s, b) => s + b, 0),
          8,
        );
    }
  });
});
