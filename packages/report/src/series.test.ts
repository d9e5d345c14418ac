import { describe, expect, it } from 'vitest';
import { autoSmoothing, downsampleEven, downsampleMinMax, ema, type Point } from './series.js';

const line = (n: number, f: (i: number) => number): Point[] => Array.from({ length: n }, (_, i) => ({ x: i, y: f(i) }));

describe('ema', () => {
  it('is debiased: a constant series stays constant from the first point', () => {
    expect(
      ema(
        line(5, () => 3),
        0.9,
      ).map((p) => p.y),
    ).toEqual([3, 3, 3, 3, 3].map((v) => expect.closeTo(v, 12)));
  });
  it('averages and drops non-finite points', () => {
    const out = ema(
      [
        { x: 0, y: 0 },
        { x: 1, y: Number.NaN },
        { x: 2, y: 2 },
      ],
      0.5,
    );
    expect(out.map((p) => p.x)).toEqual([0, 2]);
    // s1 = 0, s2 = 0.5·0 + 0.5·2 = 1, debiased by 1 − 0.25 → 4/3
    expect(out[1]?.y).toBeCloseTo(4 / 3);
  });
  it('rejects a weight outside [0, 1)', () => {
    expect(() => ema([], 1)).toThrow(RangeError);
  });
  it('auto smoothing grows with the series', () => {
    expect(autoSmoothing(10)).toBe(0);
    expect(autoSmoothing(100_000)).toBeCloseTo(1 - 1 / 2000);
  });
});

describe('downsampling', () => {
  const big = line(100_000, (i) => Math.sin(i / 1000) + (i === 55_555 ? 50 : 0));
  it('min/max keeps ≤ maxPoints, the ends and the spikes, in x order', () => {
    const out = downsampleMinMax(big, 2000);
    expect(out.length).toBeLessThanOrEqual(2000);
    expect(out.length).toBeGreaterThan(1900);
    expect(out[0]).toEqual(big[0]);
    expect(out.at(-1)).toEqual(big.at(-1));
    expect(out.some((p) => p.x === 55_555)).toBe(true);
    expect(out.every((p, i) => i === 0 || p.x > out[i - 1]!.x)).toBe(true);
  });
  it('even keeps exactly maxPoints with both ends', () => {
    const out = downsampleEven(big, 2000);
    expect(out).toHaveLength(2000);
    expect(out[0]?.x).toBe(0);
    expect(out.at(-1)?.x).toBe(99_999);
  });
  it('leaves short series alone (minus non-finite points)', () => {
    const short = [...line(10, (i) => i), { x: 10, y: Number.NaN }];
    expect(downsampleMinMax(short, 2000)).toHaveLength(10);
    expect(downsampleEven(short, 2000)).toHaveLength(10);
  });
});
