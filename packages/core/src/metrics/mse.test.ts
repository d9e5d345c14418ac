import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import type { Metric } from './metric.js';
import { createMse } from './mse.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function feed(metric: Metric, p: tf.Tensor, y: tf.Tensor, mask?: tf.Tensor): void {
  const before = tf.memory().numTensors;
  metric.update({ predictions: p, labels: y, mask });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([p, y, ...(mask ? [mask] : [])]);
}

describe('mse', () => {
  it('is named mse, lower is better, NaN before any sample', () => {
    const m = createMse();
    expect([m.name, m.direction]).toEqual(['mse', 'min']);
    expect(m.result()).toBeNaN();
  });

  it('single output [B] by hand', () => {
    // p [1, 2, 3], y [1.5, 2, 1]: errors² 0.25, 0, 4 → 4.25/3
    const m = createMse();
    feed(m, tf.tensor1d([1, 2, 3]), tf.tensor1d([1.5, 2, 1]));
    expect(m.result()).toBeCloseTo(4.25 / 3, 6);
    // [B, 1] predictions against [B] labels are the same thing
    const col = createMse();
    feed(col, tf.tensor2d([[1], [2], [3]]), tf.tensor1d([1.5, 2, 1]));
    expect(col.result()).toBeCloseTo(4.25 / 3, 6);
  });

  it('mean over samples and outputs of [B, K]; the mask drops whole samples', () => {
    // p [[1, 2], [3, 4]], y [[0, 2], [3, 6]]: errors² 1, 0, 0, 4 → 5/4
    const m = createMse();
    feed(
      m,
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([
        [0, 2],
        [3, 6],
      ]),
    );
    expect(m.result()).toBeCloseTo(5 / 4, 6);
    // row 0 only: (1 + 0)/2
    const masked = createMse();
    feed(
      masked,
      tf.tensor2d([
        [1, 2],
        [3, 4],
      ]),
      tf.tensor2d([
        [0, 2],
        [3, 6],
      ]),
      tf.tensor1d([1, 0]),
    );
    expect(masked.result()).toBeCloseTo(1 / 2, 6);
  });

  it('streams: two batches equal one; reset clears', () => {
    const m = createMse();
    feed(m, tf.tensor2d([[1, 2]]), tf.tensor2d([[0, 2]]));
    feed(m, tf.tensor2d([[3, 4]]), tf.tensor2d([[3, 6]]));
    expect(m.result()).toBeCloseTo(5 / 4, 6);
    m.reset();
    expect(m.result()).toBeNaN();
  });

  it('rejects mismatched shapes and unknown options', () => {
    const m = createMse();
    const p = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.tensor1d([1, 2]);
    const mask = tf.tensor1d([1, 1, 1]);
    expect(() => m.update({ predictions: p, labels: y })).toThrow(/do not match/);
    expect(() => m.update({ predictions: p, labels: p, mask })).toThrow(/mask must have shape \[2\]/);
    tf.dispose([p, y, mask]);
    expect(() => createMse({ reduction: 'sum' })).toThrow(UsageError);
  });
});
