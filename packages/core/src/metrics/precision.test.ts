import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Metric } from './metric.js';
import { createPrecision } from './precision.js';

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

// Binary: p [0.9, 0.8, 0.3, 0.6, 0.1] → preds [1, 1, 0, 1, 0]; labels [1, 0, 1, 1, 1] → TP 2, FP 1, FN 2:
// precision 2/3, recall 1/2. Masking #1 and #4 → TP 2, FP 0, FN 1: precision 1, recall 2/3.
// 3-class matrix (see confusion.test.ts): macro precision 2/3, macro recall 2/3, micro 5/8;
// with an extra (true 0, predicted 3) sample: macro precision 0.5, macro recall 0.475.
describe('precision', () => {
  it('binary by default on [B] inputs', () => {
    const m = createPrecision();
    expect([m.name, m.direction]).toEqual(['precision', 'max']);
    feed(m, tf.tensor1d([0.9, 0.8, 0.3, 0.6, 0.1]), tf.tensor1d([1, 0, 1, 1, 1]));
    expect(m.result()).toBeCloseTo(2 / 3, 12);
    const masked = createPrecision({ average: 'binary' });
    expect(masked.name).toBe('precision');
    feed(masked, tf.tensor1d([0.9, 0.8, 0.3, 0.6, 0.1]), tf.tensor1d([1, 0, 1, 1, 1]), tf.tensor1d([1, 0, 1, 1, 0]));
    expect(masked.result()).toBeCloseTo(1, 12);
  });

  it('macro / micro on the 3-class matrix', () => {
    const macro = createPrecision({ average: 'macro' });
    const micro = createPrecision({ average: 'micro' });
    expect([macro.name, micro.name]).toEqual(['precision_macro', 'precision_micro']);
    for (const m of [macro, micro]) feed(m, probsFor(Y_PRED, 3), tf.tensor1d(Y_TRUE, 'int32'));
    expect(macro.result()).toBeCloseTo(2 / 3, 12);
    expect(micro.result()).toBeCloseTo(5 / 8, 12);
    macro.reset();
    feed(macro, probsFor([...Y_PRED, 3], 4), tf.tensor1d([...Y_TRUE, 0], 'int32'));
    expect(macro.result()).toBeCloseTo(0.5, 12);
  });
});
