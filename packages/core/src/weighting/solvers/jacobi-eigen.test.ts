import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { gramOf, randomMatrix } from '../test-support.js';
import { symmetricEigen } from './jacobi-eigen.js';

describe('symmetricEigen (Jacobi)', () => {
  it('2×2 known answer', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    expect(values[0]).toBeCloseTo(3, 12);
    expect(values[1]).toBeCloseTo(1, 12);
    expect(Math.abs(vectors[0]![0]!)).toBeCloseTo(Math.SQRT1_2, 12);
  });
  it('reconstructs random symmetric matrices with orthonormal vectors', () => {
    const rng = new Rng(4);
    for (let k = 0; k < 20; k++) {
      const n = 2 + (k % 6);
      const A = gramOf(randomMatrix(rng, n, n)).map((r, i) => r.map((x, j) => x - (i === j ? 1 : 0)));
      const { values, vectors: V } = symmetricEigen(A);
      for (let i = 1; i < n; i++) expect(values[i]!).toBeLessThanOrEqual(values[i - 1]! + 1e-12);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          let rec = 0;
          let orth = 0;
          for (let k2 = 0; k2 < n; k2++) {
            rec += V[i]![k2]! * values[k2]! * V[j]![k2]!;
            orth += V[k2]![i]! * V[k2]![j]!;
          }
          expect(rec).toBeCloseTo(A[i]![j]!, 9);
          expect(orth).toBeCloseTo(i === j ? 1 : 0, 12);
        }
      }
    }
  });
});
