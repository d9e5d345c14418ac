import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDwa } from './dwa.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DWA', () => {
  it('equal weights for the first two epochs, then T·softmax(r/τ); weights sum to T', () => {
    const w = createDwa({}, buildContext(3));
    const losses = scalars([1, 1, 1]);
    let r = w.combineLosses(losses, stepContext(3));
    expect(r.weights).toEqual([1, 1, 1]);
    r.total.dispose();
    w.onEpochEnd?.(0, [1, 2, 4]);
    r = w.combineLosses(losses, stepContext(3, { epoch: 1 }));
    expect(r.weights).toEqual([1, 1, 1]);
    r.total.dispose();
    w.onEpochEnd?.(1, [0.5, 2, 4.4]);
    r = w.combineLosses(losses, stepContext(3, { epoch: 2 }));
    const ratios = [0.5, 1, 1.1].map((x) => Math.exp(x / 2));
    const s = ratios.reduce((a, b) => a + b, 0);
    r.weights.forEach((x, i) => {
      expect(x).toBeCloseTo((3 * ratios[i]!) / s, 12);
    });
    expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(3, 12);
    expect(r.total.dataSync()[0]).toBeCloseTo(3, 5);
    r.total.dispose();
    tf.dispose(losses);
  });
});
