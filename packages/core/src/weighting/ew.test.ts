import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEw } from './ew.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('EW', () => {
  it('sums the losses with unit weights', () => {
    const w = createEw({}, buildContext(3));
    const losses = scalars([1, 2, 3.5]);
    const r = w.combineLosses(losses, stepContext(3));
    expect(r.total.dataSync()[0]).toBeCloseTo(6.5, 6);
    expect(r.weights).toEqual([1, 1, 1]);
    tf.dispose([...losses, r.total]);
  });
});
