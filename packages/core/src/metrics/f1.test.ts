import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { createF1 } from './f1.js';
import type { Metric } from './metric.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Probabilities whose argmax is `preds`, over `classes` classes. */
function probsFor(preds: number[], classes: number): tf.Tensor2D {
  return tf.tensor2d(preds.map((p) => Array.from({ length: classes }, (_, c) => (c === p ? 0.8 : 0.2 / (classes - 1)))));
}

// The hand-checked 3-class case of confusion.test.ts.
const Y_TRUE = [0, 0, 0, 0, 1, 1, 2, 2];
const Y_PRED = [0, 0, 1, 1, 1, 0, 2, 2];

function feed(metric: Metric, p: tf.Tensor, y: tf.Tensor, mask?: tf.Tensor): void {
  const before = tf.memory().numTensors;
  metric.update({ predictions: p, labels: y, mask });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([p, y, ...(mask ? [mask] : [])]);
}

// Binary case: p = [0.9, 0.8, 0.3, 0.6, 0.1] → preds @0.5 [1, 1, 0, 1, 0]; labels [1, 0, 1, 1, 1]
// positive class 1: TP 2 (#0, #3), FP 1 (#1), FN 2 (#2, #4) → P 2/3, R 1/2, F1 4/7
// class 0: TP 0, FP 2, FN 1 → F1 0;  macro F1 = (0 + 4/7)/2 = 2/7;  micro F1 = accuracy = 2/5
const P = [0.9, 0.8, 0.3, 0.6, 0.1];
const Y = [1, 0, 1, 1, 1];

describe('f1', () => {
  it('binary by default on [B] inputs, named f1', () => {
    const m = createF1();
    expect([m.name, m.direction]).toEqual(['f1', 'max']);
    feed(m, tf.tensor1d(P), tf.tensor1d(Y));
    expect(m.result()).toBeCloseTo(4 / 7, 12);
  });

  it('macro and micro on binary inputs treat {0, 1} as two classes', () => {
    const macro = createF1({ average: 'macro' });
    const micro = createF1({ average: 'micro' });
    expect([macro.name, micro.name]).toEqual(['f1_macro', 'f1_micro']);
    feed(macro, tf.tensor1d(P), tf.tensor1d(Y));
    feed(micro, tf.tensor1d(P), tf.tensor1d(Y));
    expect(macro.result()).toBeCloseTo(2 / 7, 12);
    expect(micro.result()).toBeCloseTo(2 / 5, 12);
  });

  it('macro (the default) and micro on the hand-checked 3-class matrix', () => {
    const byDefault = createF1();
    const macro = createF1({ average: 'macro' });
    const micro = createF1({ average: 'micro' });
    for (const m of [byDefault, macro, micro]) feed(m, probsFor(Y_PRED, 3), tf.tensor1d(Y_TRUE, 'int32'));
    expect(byDefault.result()).toBeCloseTo(23 / 35, 12);
    expect(macro.result()).toBeCloseTo(23 / 35, 12);
    expect(micro.result()).toBeCloseTo(5 / 8, 12);
  });

  it('threshold option moves the binary decision', () => {
    // @0.85: preds [1, 0, 0, 0, 0] → TP 1, FP 0, FN 3 → F1 2/(2 + 0 + 3) = 2/5
    const m = createF1({ threshold: 0.85 });
    feed(m, tf.tensor1d(P), tf.tensor1d(Y));
    expect(m.result()).toBeCloseTo(2 / 5, 12);
  });

  it('no positive labels and no positive predictions scores 0 (zero_division=0)', () => {
    const m = createF1();
    feed(m, tf.tensor1d([0.1, 0.2]), tf.tensor1d([0, 0]));
    expect(m.result()).toBe(0);
  });

  it('masks drop samples and streaming over two batches equals one batch', () => {
    // Mask out #1 (FP) and #4 (FN): TP 2, FP 0, FN 1 → F1 4/5.
    const masked = createF1();
    feed(masked, tf.tensor1d(P), tf.tensor1d(Y), tf.tensor1d([1, 0, 1, 1, 0]));
    expect(masked.result()).toBeCloseTo(4 / 5, 12);
    const streamed = createF1({ average: 'macro' });
    feed(streamed, probsFor(Y_PRED.slice(0, 3), 3), tf.tensor1d(Y_TRUE.slice(0, 3), 'int32'));
    feed(streamed, probsFor(Y_PRED.slice(3), 3), tf.tensor1d(Y_TRUE.slice(3), 'int32'));
    expect(streamed.result()).toBeCloseTo(23 / 35, 12);
    streamed.reset();
    expect(streamed.result()).toBeNaN();
  });

  it('validates options', () => {
    expect(() => createF1({ average: 'weighted' })).toThrow(UsageError);
    expect(() => createF1({ positiveClass: -1 })).toThrow(UsageError);
  });
});
