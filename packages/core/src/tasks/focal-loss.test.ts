import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { heatmapFocalLoss } from './focal-loss.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The loss from its definition, in double: p = σ(x), peaks where the target is 1 unless given. */
function reference(x: number[], y: number[], o: { peaks?: number[]; weight?: number[]; alpha?: number; beta?: number } = {}): number {
  const [alpha, beta] = [o.alpha ?? 2, o.beta ?? 4];
  const per = x.length / (o.weight?.length ?? 1);
  let sum = 0;
  let count = 0;
  x.forEach((xi, i) => {
    const p = 1 / (1 + Math.exp(-xi));
    const peak = o.peaks ? o.peaks[i] === 1 : y[i] === 1;
    const w = o.weight ? o.weight[Math.floor(i / per)]! : 1;
    count += peak ? 1 : 0;
    sum += w * (peak ? (1 - p) ** alpha * Math.log(p) : (1 - y[i]!) ** beta * p ** alpha * Math.log(1 - p));
  });
  return -sum / Math.max(count, 1);
}

describe('heatmapFocalLoss', () => {
  it('matches a hand case: one peak and one negative at target ½, both at logit 0', () => {
    // −[log ½ · ¼] − [log ½ · ¼ · (½)⁴]
    const loss = heatmapFocalLoss(tf.zeros([1, 1, 2, 1]), tf.tensor4d([1, 0.5], [1, 1, 2, 1]), {
      peaks: tf.tensor4d([1, 0], [1, 1, 2, 1]),
      count: 1,
    });
    expect(loss.dataSync()[0]).toBeCloseTo(-Math.log(0.5) * 0.25 * (1 + 1 / 16), 6);
  });

  it('matches the definition: default peaks and count, given peaks, per-sample weights, other exponents', () => {
    const x = [-3, -0.5, 0, 0.7, 2, 5, -1.2, 0.3];
    const y = [0, 0.2, 1, 0.9, 0.5, 1, 0, 0.4];
    const xs = tf.tensor4d(x, [2, 2, 2, 1]);
    const ys = tf.tensor4d(y, [2, 2, 2, 1]);
    expect(heatmapFocalLoss(xs, ys).dataSync()[0]).toBeCloseTo(reference(x, y), 5);
    const peaks = [0, 0, 1, 1, 0, 0, 0, 0];
    const q = tf.tensor4d(peaks, [2, 2, 2, 1]);
    expect(heatmapFocalLoss(xs, ys, { peaks: q }).dataSync()[0]).toBeCloseTo(reference(x, y, { peaks }), 5);
    expect(heatmapFocalLoss(xs, ys, { weight: tf.tensor1d([1, 0]) }).dataSync()[0]).toBeCloseTo(reference(x, y, { weight: [1, 0] }), 5);
    expect(heatmapFocalLoss(xs, ys, { alpha: 1, beta: 3 }).dataSync()[0]).toBeCloseTo(reference(x, y, { alpha: 1, beta: 3 }), 5);
    expect(() => heatmapFocalLoss(xs, ys, { weight: tf.ones([3]) })).toThrow(/one per sample/);
  });

  it('stays finite for saturated logits, and its gradient matches central differences', () => {
    const big = heatmapFocalLoss(tf.tensor1d([-200, 200, 200]), tf.tensor1d([1, 0, 0.5]));
    expect(Number.isFinite(big.dataSync()[0])).toBe(true);
    const x = [-1.5, 0.2, 0.8, -0.3, 1.1, 0];
    const y = [0, 1, 0.6, 0.1, 1, 0.3];
    const g = tf
      .grad((l: tf.Tensor) => heatmapFocalLoss(l, tf.tensor1d(y)))(tf.tensor1d(x))
      .dataSync();
    x.forEach((_, i) => {
      const h = 1e-4;
      const up = x.map((v, j) => (j === i ? v + h : v));
      const down = x.map((v, j) => (j === i ? v - h : v));
      expect(g[i]).toBeCloseTo((reference(up, y) - reference(down, y)) / (2 * h), 3);
    });
  });
});
