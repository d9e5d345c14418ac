import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { createAccuracy } from './accuracy.js';
import type { Metric } from './metric.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Feeds one batch, checking that `update` creates no tensor, and disposes the inputs. */
function feed(metric: Metric, p: tf.Tensor, y: tf.Tensor, mask?: tf.Tensor): void {
  const before = tf.memory().numTensors;
  metric.update({ predictions: p, labels: y, mask });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([p, y, ...(mask ? [mask] : [])]);
}

describe('accuracy', () => {
  it('is named accuracy, higher is better, NaN before any sample', () => {
    const m = createAccuracy();
    expect([m.name, m.direction]).toEqual(['accuracy', 'max']);
    expect(m.result()).toBeNaN();
  });

  it('thresholds binary probabilities (p > threshold ⇒ 1)', () => {
    // preds @0.5: [1, 0, 1, 0] vs labels [1, 0, 0, 1] → 2/4 correct.
    const m = createAccuracy();
    feed(m, tf.tensor1d([0.9, 0.2, 0.6, 0.4]), tf.tensor1d([1, 0, 0, 1]));
    expect(m.result()).toBeCloseTo(0.5, 12);
    // preds @0.3: [1, 0, 1, 1] → 3/4; int labels work too.
    const t = createAccuracy({ threshold: 0.3 });
    feed(t, tf.tensor1d([0.9, 0.2, 0.6, 0.4]), tf.tensor1d([1, 0, 0, 1], 'int32'));
    expect(t.result()).toBeCloseTo(0.75, 12);
    // exactly at the threshold predicts 0.
    const e = createAccuracy();
    feed(e, tf.tensor2d([[0.5]]), tf.tensor1d([0]));
    expect(e.result()).toBe(1);
  });

  it('argmaxes class probabilities, skips padding labels and masked samples', () => {
    const p = (): tf.Tensor =>
      tf.tensor2d([
        [0.1, 0.7, 0.2],
        [0.5, 0.3, 0.2],
        [0.2, 0.2, 0.6],
      ]); // argmax [1, 0, 2]
    const m = createAccuracy();
    feed(m, p(), tf.tensor1d([1, 2, 2], 'int32'));
    expect(m.result()).toBeCloseTo(2 / 3, 12);
    m.reset();
    expect(m.result()).toBeNaN();
    feed(m, p(), tf.tensor1d([1, -1, 2], 'int32')); // padding drops the wrong one
    expect(m.result()).toBe(1);
    m.reset();
    feed(m, p(), tf.tensor1d([1, 2, 2], 'int32'), tf.tensor1d([1, 0, 1])); // mask drops the wrong one
    expect(m.result()).toBe(1);
  });

  it('streams: two batches equal one', () => {
    const p = [0.9, 0.2, 0.6, 0.4, 0.7, 0.1];
    const y = [1, 0, 0, 1, 1, 1];
    const one = createAccuracy();
    feed(one, tf.tensor1d(p), tf.tensor1d(y));
    const two = createAccuracy();
    feed(two, tf.tensor1d(p.slice(0, 2)), tf.tensor1d(y.slice(0, 2)));
    feed(two, tf.tensor1d(p.slice(2)), tf.tensor1d(y.slice(2)));
    expect(two.result()).toBe(one.result());
    expect(one.result()).toBeCloseTo(3 / 6, 12);
  });

  it('rejects bad labels, shapes and options', () => {
    const m = createAccuracy();
    const p = tf.tensor1d([0.9, 0.2]);
    const bad = tf.tensor1d([2, 0]);
    const short = tf.tensor1d([1]);
    expect(() => m.update({ predictions: p, labels: bad })).toThrow(/must be 0 or 1/);
    expect(() => m.update({ predictions: p, labels: short })).toThrow(/labels must have shape \[2\]/);
    const mc = tf.tensor2d([[0.1, 0.9]]);
    const outOfRange = tf.tensor1d([2], 'int32');
    expect(() => m.update({ predictions: mc, labels: outOfRange })).toThrow(/\[0, 2\)/);
    expect(() => createAccuracy({ threshold: 1.5 })).toThrow(UsageError);
    tf.dispose([p, bad, short, mc, outOfRange]);
  });
});
