import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { gramOf, matTimesVec, randomMatrix } from '../test-support.js';
import { solveNashBargaining } from './nash-solver.js';

describe('solveNashBargaining (Gα = 1/α)', () => {
  it('orthogonal gradients: α_t = 1/‖g_t‖', () => {
    const { alpha } = solveNashBargaining([
      [4, 0],
      [0, 0.25],
    ]);
    expect(alpha[0]).toBeCloseTo(0.5, 8);
    expect(alpha[1]).toBeCloseTo(2, 8);
  });
  it('satisfies Gα = 1/α on random well-posed problems, from cold and warm starts', () => {
    const rng = new Rng(12);
    for (let k = 0; k < 30; k++) {
      const T = 2 + (k % 5);
      const G = gramOf(randomMatrix(rng, T, T + 3)).map((r) => r.map((x) => x * 10 ** ((k % 7) - 3)));
      const res = solveNashBargaining(G, { maxIterations: 100 });
      const ga = matTimesVec(G, res.alpha);
      res.alpha.forEach((a, i) => {
        expect(a).toBeGreaterThan(0);
        expect(ga[i]! * a).toBeCloseTo(1, 6);
      });
      const warm = solveNashBargaining(G, { init: res.alpha.map((a) => a * 1.3), maxIterations: 20 });
      warm.alpha.forEach((a, i) => {
        expect(a).toBeCloseTo(res.alpha[i]!, 6);
      });
    }
  });
  it('stays finite for opposite gradients (singular G)', () => {
    const { alpha } = solveNashBargaining([
      [1, -1],
      [-1, 1],
    ]);
    alpha.forEach((a) => {
      expect(Number.isFinite(a) && a > 0).toBe(true);
    });
  });
});
