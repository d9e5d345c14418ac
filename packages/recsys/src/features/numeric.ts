import { Rng } from '@polytask/core';
import { FIRST_ID } from './schema.js';

/** sign(x)·ln(1 + |x|): a log that keeps 0 at 0 and accepts negative values. */
export function signedLog(x: number): number {
  return x < 0 ? -Math.log1p(-x) : Math.log1p(x);
}

/** Parses a numeric cell; NaN for anything that is not a finite number. */
export function parseNumber(raw: string): number {
  const t = raw.trim();
  if (t === '') return Number.NaN;
  const x = Number(t);
  return Number.isFinite(x) ? x : Number.NaN;
}

/**
 * Bucket id of a value: FIRST_ID + the number of boundaries ≤ x. With boundaries [b₀ … b_{k−1}] there are k + 1
 * buckets: (−∞, b₀) → 2, [b₀, b₁) → 3, …, [b_{k−1}, ∞) → k + 2.
 */
export function bucketId(x: number, boundaries: readonly number[]): number {
  let lo = 0;
  let hi = boundaries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (boundaries[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return FIRST_ID + lo;
}

/** Running mean and (population) variance, Welford's update: one pass, numerically stable. */
export class RunningMoments {
  count = 0;
  mean = 0;
  private m2 = 0;

  add(x: number): void {
    this.count += 1;
    const d = x - this.mean;
    this.mean += d / this.count;
    this.m2 += d * (x - this.mean);
  }

  get std(): number {
    return this.count > 0 ? Math.sqrt(this.m2 / this.count) : 0;
  }
}

/** A uniform sample of at most `capacity` values of a stream (reservoir sampling, seeded). */
export class Reservoir {
  readonly values: number[] = [];
  private seen = 0;
  private readonly rng: Rng;

  constructor(
    readonly capacity: number,
    seed: number,
  ) {
    this.rng = new Rng(seed);
  }

  add(x: number): void {
    this.seen += 1;
    if (this.values.length < this.capacity) this.values.push(x);
    else {
      const j = this.rng.int(this.seen);
      if (j < this.capacity) this.values[j] = x;
    }
  }
}

/**
 * Equal-frequency bucket edges of a sample: the q-quantiles for q = 1/n … (n−1)/n, deduplicated, so a value mass at
 * one point (e.g. many zeros) gives fewer buckets rather than empty ones.
 */
export function quantileBoundaries(sample: readonly number[], buckets: number): number[] {
  if (sample.length === 0) return [];
  const sorted = Float64Array.from(sample).sort();
  const edges: number[] = [];
  for (let k = 1; k < buckets; k++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((k * sorted.length) / buckets))]!;
    if (edges.length === 0 || v > edges[edges.length - 1]!) edges.push(v);
  }
  // an edge at the minimum would leave the first bucket empty
  if (edges.length > 0 && edges[0]! <= sorted[0]!) edges.shift();
  return edges;
}
