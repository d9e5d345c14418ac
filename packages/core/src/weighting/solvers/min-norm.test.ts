import { describe, expect, it } from 'vitest';
import { Rng } from '../../util/rng.js';
import { gramOf, randomMatrix } from '../test-support.js';
import { minNormPoint, minNormTwo } from './min-norm.js';

const clip = (x: number) => Math.min(1, Math.max(0, x));

describe('minNormPoint (Frank–Wolfe)', () => {
  it('two vectors: γ = clip((g2−g1)·g2/‖g1−g2‖²)', () => {
    const g1 = [1, 0.2];
    const g2 = [-0.5, 1];
    const G = gramOf([g1, g2]);
    const diff = [g2[0]! - g1[0]!, g2[1]! - g1[1]!];
    const gamma = clip((diff[0]! * g2[0]! + diff[1]! * g2[1]!) / (diff[0]! ** 2 + diff[1]! ** 2));
    const { weights } = minNormPoint(G);
    expect(weights[0]).toBeCloseTo(gamma, 12);
    expect(weights[1]).toBeCloseTo(1 - gamma, 12);
    expect(minNormTwo(G[0]![0]!, G[0]![1]!, G[1]![1]!).gamma).toBeCloseTo(gamma, 12);
  });
  it('clips at the vertices (one gradient inside the other’s half-space)', () => {
    const G = gramOf([
      [1, 0],
      [3, 0.1],
    ]);
    expect(minNormPoint(G).weights[0]).toBeCloseTo(1, 12);
  });
  it('orthogonal equal-norm vectors: uniform weights', () => {
    const G = [
      [4, 0, 0],
      [0, 4, 0],
      [0, 0, 4],
    ];
    minNormPoint(G).weights.forEach((w) => {
      expect(w).toBeCloseTo(1 / 3, 10);
    });
  });
  it('satisfies the KKT conditions on random problems (T = 3..6)', () => {
    const rng = new Rng(21);
    for (let k = 0; k < 40; k++) {
      const T = 3 + (k % 4);
      const G = gramOf(randomMatrix(rng, T, T + (k % 3)));
      const { weights: x } = minNormPoint(G);
      expect(x.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
      const gx = G.map((row) => row.reduce((s, g, j) => s + g * x[j]!, 0));
      const xgx = gx.reduce((s, v, i) => s + v * x[i]!, 0);
      const scale = Math.max(...G.map((r, i) => r[i]!));
      for (let i = 0; i < T; i++) {
        expect(x[i]).toBeGreaterThanOrEqual(0);
        expect(gx[i]! - xgx).toBeGreaterThanOrEqual(-1e-9 * scale); // no vertex improves
        if (x[i]! > 1e-9) expect(Math.abs(gx[i]! - xgx)).toBeLessThan(1e-8 * scale);
      }
    }
  });
});
