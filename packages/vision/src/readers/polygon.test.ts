import { describe, expect, it } from 'vitest';
import { fillPolygon } from './polygon.js';

describe('polygon fill', () => {
  it('fills the pixels whose centres are inside (a 4×3 rectangle and a triangle)', () => {
    const labels = new Int32Array(8 * 8);
    fillPolygon(labels, 8, 8, [1, 1, 5, 1, 5, 4, 1, 4], 2);
    expect(labels.reduce((a, v) => a + (v === 2 ? 1 : 0), 0)).toBe(12);
    expect(labels[1 * 8 + 1]).toBe(2);
    expect(labels[4 * 8 + 1]).toBe(0);
    const tri = new Int32Array(8 * 8);
    // right triangle with legs 8: centres (x + .5, y + .5) with x + y < 7 are inside → 1 + 2 + … + 7 = 28
    fillPolygon(tri, 8, 8, [0, 0, 8, 0, 0, 8], 1);
    expect(tri.reduce((a, v) => a + v, 0)).toBe(28);
  });
});
