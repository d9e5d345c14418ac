import { describe, expect, it } from 'vitest';
import { solveLinear } from './linear-solve.js';

describe('solveLinear', () => {
  it('solves a system that needs pivoting', () => {
    const x = solveLinear(
      [
        [0, 2, 1],
        [1, 1, 1],
        [2, 1, 3],
      ],
      [7, 6, 13],
    )!;
    [1, 2, 3].forEach((v, i) => {
      expect(x[i]).toBeCloseTo(v, 12);
    });
  });
  it('returns null for singular matrices', () => {
    expect(
      solveLinear(
        [
          [1, 2],
          [2, 4],
        ],
        [1, 2],
      ),
    ).toBeNull();
  });
});
