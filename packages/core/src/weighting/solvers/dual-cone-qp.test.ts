import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { gramOf, matTimesVec, randomMatrix } from '../test-support.js';
import { projectOntoDualCone } from './dual-cone-qp.js';

describe('projectOntoDualCone (min vᵀGv s.t. v ≥ u)', () => {
  it('returns u when Gu is already non-negative', () => {
    const G = [
      [1, 0.2],
      [0.2, 1],
    ];
    expect(projectOntoDualCone(G, [0.5, 0]).weights).toEqual([0.5, 0]);
  });
  it('two conflicting vectors: closed form', () => {
    // g1 = (1, 0), g2 = (−1, 1): project g1 onto {x: g1·x ≥ 0, g2·x ≥ 0} → (0.5, 0.5) = g1 + 0.5 g2.
    const G = gramOf([
      [1, 0],
      [-1, 1],
    ]);
    const { weights } = projectOntoDualCone(G, [1, 0]);
    expect(weights[0]).toBeCloseTo(1, 12);
    expect(weights[1]).toBeCloseTo(0.5, 12);
  });
  it('satisfies KKT (feasible, Gv ≥ 0, complementary) on random positive-definite problems', () => {
    const rng = new Rng(8);
    for (let k = 0; k < 60; k++) {
      const T = 2 + (k % 6);
      const J = randomMatrix(rng, T, T + 2);
      const G = gramOf(J).map((r, i) => r.map((g, j) => g + (i === j ? 1e-6 : 0)));
      const u = Array.from({ length: T }, () => Math.abs(rng.normal()));
      const { weights: v } = projectOntoDualCone(G, u);
      const gv = matTimesVec(G, v);
      const scale = Math.max(...G.map((r, i) => r[i]!)) * Math.max(...u);
      for (let i = 0; i < T; i++) {
        expect(v[i]! - u[i]!).toBeGreaterThanOrEqual(-1e-15);
        expect(gv[i]!).toBeGreaterThanOrEqual(-1e-9 * scale);
        expect(Math.abs((v[i]! - u[i]!) * gv[i]!)).toBeLessThan(1e-9 * scale * scale);
      }
    }
  });
});
