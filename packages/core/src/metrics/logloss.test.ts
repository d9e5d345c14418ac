import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { createLogloss } from './logloss.js';
import type { Metric } from './metric.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function feed(metric: Metric, p: tf.Tensor, y: tf.Tensor, mask?: tf.Tensor): void {
  const before = tf.memory().numTensors;
  metric.update({ predictions: p, labels: y, mask });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([p, y, ...(mask ? [mask] : [])]);
}

// Tensors hold float32, so hand values are checked to ~1e-6.
describe('logloss', () => {
  it('is named logloss, lower is better', () => {
    const m = createLogloss();
    expect([m.name, m.direction]).toEqual(['logloss', 'min']);
    expect(m.result()).toBeNaN();
  });

  it('binary cross-entropy by hand', () => {
    // p [0.9, 0.2, 0.6], y [1, 0, 0]: −(ln 0.9 + ln 0.8 + ln 0.4)/3
    //   = (0.1053605 + 0.2231436 + 0.9162907)/3 = 0.4149316
    const m = createLogloss();
    feed(m, tf.tensor1d([0.9, 0.2, 0.6]), tf.tensor1d([1, 0, 0]));
    expect(m.result()).toBeCloseTo(0.4149316, 6);
  });

  it('clips probabilities to [1e-7, 1 − 1e-7]', () => {
    // p 1 with y 0 and p 0 with y 1: each −ln(1e-7) = 16.1180957
    const m = createLogloss();
    feed(m, tf.tensor1d([1, 0]), tf.tensor1d([0, 1]));
    expect(m.result()).toBeCloseTo(16.1180957, 6);
    // p 1 with y 1: −ln(1 − 1e-7) ≈ 1e-7
    const right = createLogloss();
    feed(right, tf.tensor1d([1]), tf.tensor1d([1]));
    expect(right.result()).toBeCloseTo(1e-7, 12);
    // a custom eps: −ln(0.01) = 4.6051702
    const loose = createLogloss({ eps: 0.01 });
    feed(loose, tf.tensor1d([0]), tf.tensor1d([1]));
    expect(loose.result()).toBeCloseTo(4.6051702, 6);
  });

  it('soft labels, masks, padding and streaming', () => {
    // y 0.5 at p 0.5: −(0.5 ln 0.5 + 0.5 ln 0.5) = ln 2
    const soft = createLogloss();
    feed(soft, tf.tensor1d([0.5]), tf.tensor1d([0.5]));
    expect(soft.result()).toBeCloseTo(Math.LN2, 6);
    // mask / padding drop the 0.6 sample: (0.1053605 + 0.2231436)/2 = 0.1642520
    const masked = createLogloss();
    feed(masked, tf.tensor1d([0.9, 0.2, 0.6]), tf.tensor1d([1, 0, 0]), tf.tensor1d([1, 1, 0]));
    expect(masked.result()).toBeCloseTo(0.164252, 6);
    const padded = createLogloss();
    feed(padded, tf.tensor1d([0.9, 0.2, 0.6]), tf.tensor1d([1, 0, -1]));
    expect(padded.result()).toBeCloseTo(0.164252, 6);
    const streamed = createLogloss();
    feed(streamed, tf.tensor1d([0.9]), tf.tensor1d([1]));
    feed(streamed, tf.tensor1d([0.2, 0.6]), tf.tensor1d([0, 0]));
    expect(streamed.result()).toBeCloseTo(0.4149316, 6);
    streamed.reset();
    expect(streamed.result()).toBeNaN();
  });

  it('categorical cross-entropy on [B, C] with integer labels', () => {
    // −(ln 0.7 + ln 0.8)/2 = (0.3566749 + 0.2231436)/2 = 0.2899092
    const m = createLogloss();
    feed(
      m,
      tf.tensor2d([
        [0.7, 0.2, 0.1],
        [0.1, 0.1, 0.8],
      ]),
      tf.tensor1d([0, 2], 'int32'),
    );
    expect(m.result()).toBeCloseTo(0.2899092, 6);
  });

  it('rejects labels outside [0, 1] and bad options', () => {
    const m = createLogloss();
    const p = tf.tensor1d([0.5]);
    const y = tf.tensor1d([2]);
    expect(() => m.update({ predictions: p, labels: y })).toThrow(/\[0, 1\]/);
    tf.dispose([p, y]);
    expect(() => createLogloss({ eps: 0 })).toThrow(UsageError);
  });
});
