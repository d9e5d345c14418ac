import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createStch } from './stch.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('STCH', () => {
  it('Σ log L during warm-up, nadir from the warm-up epoch, then T·μ·logΣexp(log(L/n)/μ)', () => {
    const w = createStch({ warmupEpochs: 1, mu: 0.5 }, buildContext(2));
    const run = (L: number[], epoch: number) => {
      const losses = scalars(L);
      const r = w.combineLosses(losses, stepContext(2, { epoch }));
      const v = r.total.dataSync()[0]!;
      tf.dispose([...losses, r.total]);
      return { v, weights: r.weights };
    };
    expect(run([2, 3], 0).v).toBeCloseTo(Math.log(6), 5);
    run([1, 4], 1);
    run([3, 2], 1); // nadir = (2, 3)
    const L = [1, 6];
    const out = run(L, 2);
    const l = [Math.log(1 / 2), Math.log(6 / 3)];
    const expected = 2 * 0.5 * Math.log(Math.exp(l[0]! / 0.5) + Math.exp(l[1]! / 0.5));
    expect(out.v).toBeCloseTo(expected, 4);
    expect((w.getState() as { nadir: number[] }).nadir).toEqual([2, 3]);
    // Effective weights: T·softmax(ℓ/μ)_t / L_t
    const e = l.map((x) => Math.exp(x / 0.5));
    const s = e[0]! + e[1]!;
    out.weights.forEach((x, i) => {
      expect(x).toBeCloseTo((2 * e[i]!) / s / L[i]!, 8);
    });
  });
});
