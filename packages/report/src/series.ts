/** A point of a series over steps (or epochs). */
export interface Point {
  readonly x: number;
  readonly y: number;
}

/** Default cap on points per plotted series: enough for a crisp line at chart width, small SVGs. */
export const MAX_POINTS = 2000;

/**
 * Smoothing weight for {@link ema} chosen from the series length: the EMA then averages over
 * roughly the last `fraction` of the series (2%; at least 1 point), so 100 steps and 100k steps both read.
 */
export function autoSmoothing(length: number, fraction = 0.02): number {
  const window = Math.max(1, length * fraction);
  return 1 - 1 / window;
}

/**
 * Debiased exponential moving average (as TensorBoard's smoothing): `s = w·s + (1−w)·y`, divided by
 * `1 − w^k` so the start is not pulled to 0. Non-finite points are left out of both input and output.
 */
export function ema(points: readonly Point[], weight: number): Point[] {
  if (!(weight >= 0 && weight < 1)) throw new RangeError(`smoothing weight should be in [0, 1), got ${weight}`);
  const out: Point[] = [];
  let s = 0;
  let k = 0;
  for (const p of points) {
    if (!Number.isFinite(p.y)) continue;
    s = weight * s + (1 - weight) * p.y;
    k += 1;
    out.push({ x: p.x, y: s / (1 - weight ** k) });
  }
  return out;
}

/**
 * Keeps at most `maxPoints` points by splitting the series into buckets and keeping each bucket's
 * lowest and highest point (in x order). Spikes survive, which is the point of plotting raw values.
 * Non-finite points are dropped; the first and last points are always kept.
 */
export function downsampleMinMax(points: readonly Point[], maxPoints = MAX_POINTS): Point[] {
  const finite = points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
  if (finite.length <= maxPoints) return finite;
  const buckets = Math.max(1, Math.floor((maxPoints - 2) / 2));
  const inner = finite.slice(1, -1);
  const out: Point[] = [finite[0]!];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * inner.length) / buckets);
    const to = Math.floor(((b + 1) * inner.length) / buckets);
    if (to <= from) continue;
    let lo = from;
    let hi = from;
    for (let i = from + 1; i < to; i++) {
      if (inner[i]!.y < inner[lo]!.y) lo = i;
      if (inner[i]!.y > inner[hi]!.y) hi = i;
    }
    if (lo === hi) out.push(inner[lo]!);
    else for (const i of lo < hi ? [lo, hi] : [hi, lo]) out.push(inner[i]!);
  }
  out.push(finite[finite.length - 1]!);
  return out;
}

/** Keeps at most `maxPoints` evenly spaced points (first and last kept). For already smooth series. */
export function downsampleEven(points: readonly Point[], maxPoints = MAX_POINTS): Point[] {
  const finite = points.filter((p) => Number.isFinite(p.y) && Number.isFinite(p.x));
  if (finite.length <= maxPoints) return finite;
  const out: Point[] = [];
  const last = finite.length - 1;
  for (let i = 0; i < maxPoints; i++) out.push(finite[Math.round((i * last) / (maxPoints - 1))]!);
  return out;
}
