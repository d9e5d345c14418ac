import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createGradDrop } from './graddrop.js';
import { buildContext, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(rows: number[][], options: Record<string, unknown>, seed = 1) {
  const w = createGradDrop(options, buildContext(rows.length));
  const g = tf.tensor2d(rows);
  const r = w.combineGradients(
    g,
    rows.map(() => 1),
    stepContext(rows.length, { rng: new Rng(seed) }),
  );
  const d = Array.from(r.direction.dataSync());
  tf.dispose([g, r.direction]);
  return { d, weights: r.weights };
}

describe('GradDrop', () => {
  it('all-agreeing signs: keeps the sum', () => {
    const { d, weights } = run(
      [
        [1, -2, 0.5, 0],
        [3, -1, 0.25, 0],
      ],
      {},
    );
    expect(d).toEqual([4, -3, 0.75, 0]);
    expect(weights).toEqual([1, 1]);
  });
  it('conflicting signs: each coordinate keeps only one sign; leak = 1 keeps everything', () => {
    const rows = [
      [1, -1, 2, -3, 0.5, 1],
      [-1, 1, -2, 3, -0.5, -2],
    ];
    const { d } = run(rows, {}, 3);
    d.forEach((x, i) => {
      expect([rows[0]![i], rows[1]![i]]).toContain(x);
    });
    const leak = run(rows, { leak: 1 }, 3);
    leak.d.forEach((x, i) => {
      expect(x).toBeCloseTo(rows[0]![i]! + rows[1]![i]!, 6);
    });
  });
  it('draws only from ctx.rng: same seed, same mask; the keep probability follows sign purity', () => {
    const rows = [Array.from({ length: 4000 }, () => 3), Array.from({ length: 4000 }, () => -1)];
    const a = run(rows, {}, 7);
    const b = run(rows, {}, 7);
    expect(a.d).toEqual(b.d);
    // P(keep positive) = ½(1 + 2/4) = 0.75.
    const positives = a.d.filter((x) => x > 0).length / 4000;
    expect(positives).toBeGreaterThan(0.72);
    expect(positives).toBeLessThan(0.78);
  });
  it('with the representation: sign-corrected, batch-summed purity per feature decides the mask (LibMTL)', () => {
    // T = 2 tasks, B = 2 samples, F = 1 feature; r = [[1], [-1]] so sign(r) = [+1, −1].
    // task 0: g = [1, 1] → G_0 = 1·1 + 1·(−1) = 0;  task 1: g = [−1, 1] → G_1 = −1 − 1 = −2.
    // P = ½(1 + (0 − 2)/(0 + 2)) = 0 < U: keep the negative entries only → direction = [−1, 0].
    // (Without the correction, column b1 = [1, 1] would have P = 1 and keep 2.)
    const w = createGradDrop({}, buildContext(2));
    const g = tf.tensor2d([
      [1, 1],
      [-1, 1],
    ]);
    const r = tf.tensor2d([[1], [-1]]);
    for (const seed of [1, 2, 3]) {
      const out = w.combineGradients(g, [1, 1], { ...stepContext(2, { rng: new Rng(seed) }), representation: [r] });
      expect(Array.from(out.direction.dataSync())).toEqual([-1, 0]);
      expect(out.weights).toEqual([0, 0.5]);
      out.direction.dispose();
    }
    // Flip the representation's signs: G = (0, 2), P = 1 > U: keep the positive entries → [1 + 0, 1 + 1] = [1, 2].
    const flipped = tf.neg(r);
    const out = w.combineGradients(g, [1, 1], { ...stepContext(2, { rng: new Rng(1) }), representation: [flipped] });
    expect(Array.from(out.direction.dataSync())).toEqual([1, 2]);
    tf.dispose([g, r, flipped, out.direction]);
  });

  it('handles several representation tensors, each with its own features, drawing one uniform per feature', () => {
    const w = createGradDrop({}, buildContext(2));
    // Two tensors: a [2, 1] (as above, P = 0) and b [2, 2] whose tasks agree (P = 1 on both features).
    const a = tf.tensor2d([[1], [-1]]);
    const b = tf.tensor2d([
      [1, 1],
      [1, 1],
    ]);
    const g = tf.tensor2d([
      [1, 1, 2, 3, 4, 5],
      [-1, 1, 1, 1, 1, 1],
    ]);
    const rng = new Rng(5);
    const out = w.combineGradients(g, [1, 1], { ...stepContext(2, { rng }), representation: [a, b] });
    expect(Array.from(out.direction.dataSync())).toEqual([-1, 0, 3, 4, 5, 6]);
    const next = new Rng(5);
    for (let i = 0; i < 3; i++) next.next(); // 1 feature of a + 2 features of b
    expect(rng.next()).toBe(next.next());
    tf.dispose([a, b, g, out.direction]);
  });
});
