import { describe, expect, it } from 'vitest';
import { minimizeOnSimplex } from './simplex-minimize.js';

describe('minimizeOnSimplex', () => {
  it('finds an interior minimum of a quadratic', () => {
    // f = (x0 − 0.2)² + (x1 − 0.3)² + (x2 − 0.5)² → (0.2, 0.3, 0.5)
    const c = [0.2, 0.3, 0.5];
    const { x } = minimizeOnSimplex(
      (v) => v.reduce((s, vi, i) => s + (vi - c[i]!) ** 2, 0),
      (v) => v.map((vi, i) => 2 * (vi - c[i]!)),
      [1, 0, 0],
    );
    x.forEach((xi, i) => {
      expect(xi).toBeCloseTo(c[i]!, 8);
    });
  });
  it('finds a vertex minimum of a linear function', () => {
    const { x } = minimizeOnSimplex(
      (v) => 3 * v[0]! + v[1]! + 2 * v[2]!,
      () => [3, 1, 2],
      [1 / 3, 1 / 3, 1 / 3],
    );
    expect(x[1]).toBeCloseTo(1, 10);
  });
});
