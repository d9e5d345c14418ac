import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { projectOntoSimplex } from './simplex-projection.js';

describe('projectOntoSimplex', () => {
  it('keeps points already on the simplex', () => {
    const p = projectOntoSimplex([0.2, 0.3, 0.5]);
    p.forEach((x, i) => {
      expect(x).toBeCloseTo([0.2, 0.3, 0.5][i]!, 14);
    });
  });
  it('known answers', () => {
    expect(projectOntoSimplex([2, 0])).toEqual([1, 0]);
    const p = projectOntoSimplex([1, 1, 1]);
    p.forEach((x) => {
      expect(x).toBeCloseTo(1 / 3, 14);
    });
    const q = projectOntoSimplex([0.5, 0.5, -3]);
    expect(q[0]).toBeCloseTo(0.5, 14);
    expect(q[2]).toBe(0);
  });
  it('satisfies the projection optimality condition on random points', () => {
    const rng = new Rng(3);
    for (let k = 0; k < 50; k++) {
      const v = Array.from({ length: 5 }, () => 3 * rng.normal());
      const p = projectOntoSimplex(v);
      expect(p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      // (v − p)·(y − p) ≤ 0 for every vertex y = e_i.
      for (let i = 0; i < 5; i++) {
        const s = v.reduce((acc, vj, j) => acc + (vj - p[j]!) * ((i === j ? 1 : 0) - p[j]!), 0);
        expect(s).toBeLessThanOrEqual(1e-12);
      }
    }
  });
});
