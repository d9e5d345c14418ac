import { describe, expect, it } from 'vitest';
import { deltaM, deltaMIfDefined, sharesMetric } from './delta-m.js';

describe('deltaM', () => {
  it('mixed directions by hand: per-task mean, then mean over tasks', () => {
    // task a: acc (max) (0.8 − 0.5)/0.5 = +0.6; loss (min) −(0.4 − 0.5)/0.5 = +0.2 → task mean 0.4
    // task b: mae (min) −(2 − 2.5)/2.5 = +0.2
    // Δm = (0.4 + 0.2)/2 = 0.3
    const value = deltaM(
      { a: { acc: 0.8, loss: 0.4 }, b: { mae: 2 } },
      { a: { acc: 0.5, loss: 0.5 }, b: { mae: 2.5 } },
      { a: { acc: 'max', loss: 'min' }, b: { mae: 'min' } },
    );
    expect(value).toBeCloseTo(0.3, 12);
  });

  it('worse than the baseline is negative; equal is 0', () => {
    expect(deltaM({ t: { auc: 0.6 } }, { t: { auc: 0.8 } }, { t: { auc: 'max' } })).toBeCloseTo(-0.25, 12);
    expect(deltaM({ t: { mse: 3 } }, { t: { mse: 2 } }, { t: { mse: 'min' } })).toBeCloseTo(-0.5, 12);
    expect(deltaM({ t: { auc: 0.8 } }, { t: { auc: 0.8 } }, { t: { auc: 'max' } })).toBe(0);
  });

  it('uses only (task, metric) pairs present in both', () => {
    // Only a.acc overlaps (+0.6); a.f1 has no baseline, task c has no baseline, task d no result.
    const value = deltaM({ a: { acc: 0.8, f1: 0.1 }, c: { mse: 1 } }, { a: { acc: 0.5 }, d: { mse: 9 } }, { a: { acc: 'max' } });
    expect(value).toBeCloseTo(0.6, 12);
    // inherited object keys are not metrics
    expect(deltaM({ a: { acc: 0.8, toString: 1 } }, { a: { acc: 0.5 } }, { a: { acc: 'max' } })).toBeCloseTo(0.6, 12);
  });

  it('throws on an empty intersection, a missing direction, or a zero baseline', () => {
    expect(() => deltaM({ a: { acc: 1 } }, { b: { acc: 1 } }, { a: { acc: 'max' } })).toThrow(/share no/);
    expect(() => deltaM({ a: { acc: 1 } }, { a: { f1: 1 } }, {})).toThrow(/share no/);
    expect(() => deltaM({}, {}, {})).toThrow(/share no/);
    expect(() => deltaM({ a: { acc: 1 } }, { a: { acc: 1 } }, {})).toThrow(/no direction/);
    expect(() => deltaM({ a: { acc: 1 } }, { a: { acc: 0 } }, { a: { acc: 'max' } })).toThrow(/baseline/);
  });

  it('a NaN result makes Δm NaN', () => {
    expect(deltaM({ a: { auc: Number.NaN } }, { a: { auc: 0.7 } }, { a: { auc: 'max' } })).toBeNaN();
  });
});

describe('sharesMetric', () => {
  it('is true only when some (task, metric) pair is in both', () => {
    expect(sharesMetric({ a: { auc: 0.7 } }, { a: { auc: 0.6 }, b: { mse: 1 } })).toBe(true);
    expect(sharesMetric({ a: { auc: 0.7 } }, { b: { auc: 0.6 } })).toBe(false);
    expect(sharesMetric({ a: { auc: 0.7 } }, { a: { logloss: 0.6 } })).toBe(false);
  });
});

describe('deltaMIfDefined', () => {
  it('is Δm where baselines share a pair, undefined without baselines or overlap', () => {
    const directions = { a: { auc: 'max' as const } };
    expect(deltaMIfDefined({ a: { auc: 0.9 } }, { a: { auc: 0.6 } }, directions)).toBeCloseTo(0.5, 12);
    expect(deltaMIfDefined({ a: { auc: 0.9 } }, undefined, directions)).toBeUndefined();
    expect(deltaMIfDefined({ a: { auc: 0.9 } }, { b: { auc: 0.6 } }, directions)).toBeUndefined();
  });
});
