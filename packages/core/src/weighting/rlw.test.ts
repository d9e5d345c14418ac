import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createRlw } from './rlw.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('RLW', () => {
  it('weights sum to T, are redrawn each step, and come only from ctx.rng', () => {
    const w = createRlw({}, buildContext(4));
    const losses = scalars([1, 2, 3, 4]);
    const rng = new Rng(5);
    const r1 = w.combineLosses(losses, stepContext(4, { rng }));
    const r2 = w.combineLosses(losses, stepContext(4, { rng }));
    expect(r1.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(4, 12);
    expect(r2.weights).not.toEqual(r1.weights);
    const again = w.combineLosses(losses, stepContext(4, { rng: new Rng(5) }));
    expect(again.weights).toEqual(r1.weights);
    expect(r1.total.dataSync()[0]).toBeCloseTo(
      r1.weights.reduce((s, x, i) => s + x * (i + 1), 0),
      4,
    );
    const one = createRlw({ scale: 'one' }, buildContext(4)).combineLosses(losses, stepContext(4));
    expect(one.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    tf.dispose([...losses, r1.total, r2.total, again.total, one.total]);
  });
});
