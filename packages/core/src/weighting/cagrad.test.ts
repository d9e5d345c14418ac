import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createCaGrad } from './cagrad.js';
import { buildContext, combination, dotRows, gramOf, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const rows = [
  [1, 0.3, -0.5],
  [-0.7, 1, 0.2],
];

function run(options: Record<string, unknown>) {
  const w = createCaGrad(options, buildContext(2));
  const g = tf.tensor2d(rows);
  const r = w.combineGradients(g, [1, 1], stepContext(2));
  const d = Array.from(r.direction.dataSync());
  tf.dispose([g, r.direction]);
  return { d, weights: r.weights };
}

describe('CAGrad', () => {
  it('c = 0 is the mean gradient', () => {
    const { d, weights } = run({ c: 0 });
    expect(weights).toEqual([0.5, 0.5]);
    d.forEach((x, i) => {
      expect(x).toBeCloseTo((rows[0]![i]! + rows[1]![i]!) / 2, 6);
    });
  });

  it('c = 0.5: matches a brute-force solve of the inner problem (T = 2) and the LibMTL update', () => {
    const G = gramOf(rows);
    const c = 0.5;
    const meanG = (G[0]![0]! + 2 * G[0]![1]! + G[1]![1]!) / 4;
    const phi = c * Math.sqrt(meanG + 1e-8);
    const f = (x: number) => {
      const w = [x, 1 - x];
      const Gw = G.map((r) => dotRows(r, w));
      return 0.5 * (Gw[0]! + Gw[1]!) + phi * Math.sqrt(dotRows(w, Gw) + 1e-8);
    };
    let best = 0;
    for (let i = 0; i <= 200_000; i++) if (f(i / 200_000) < f(best)) best = i / 200_000;
    const xw = [best, 1 - best];
    const gw = combination(rows, xw);
    const lambda = phi / Math.sqrt(dotRows(gw, gw));
    const expected = combination(rows, [0.5 + lambda * xw[0]!, 0.5 + lambda * xw[1]!]).map((v) => v / (1 + c * c));
    const { d } = run({});
    d.forEach((x, i) => {
      expect(x).toBeCloseTo(expected[i]!, 4);
    });
    // CAGrad improves the worst task more than the mean gradient does.
    const mean = combination(rows, [0.5, 0.5]);
    const worst = (v: number[]) => Math.min(...rows.map((r) => dotRows(v, r)));
    expect(worst(d.map((v) => v * (1 + c * c)))).toBeGreaterThan(worst(mean));
  });

  it('rescale 0/2 divide by 1 / (1 + c)', () => {
    const a = run({ rescale: 0 });
    const b = run({ rescale: 2 });
    a.d.forEach((x, i) => {
      expect(b.d[i]).toBeCloseTo(x / 1.5, 5);
    });
  });
});
