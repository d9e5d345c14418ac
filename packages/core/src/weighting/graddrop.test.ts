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
});
