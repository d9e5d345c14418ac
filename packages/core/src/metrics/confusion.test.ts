import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConfusionCounts } from './confusion.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** One-hot-ish probabilities whose argmax is `preds`, over `classes` classes. */
function probsFor(preds: number[], classes: number): tf.Tensor2D {
  return tf.tensor2d(preds.map((p) => Array.from({ length: classes }, (_, c) => (c === p ? 0.8 : 0.2 / (classes - 1)))));
}

// Hand-checked 3-class case (rows = true class, columns = predicted class):
//   y_true = [0, 0, 0, 0, 1, 1, 2, 2]
//   y_pred = [0, 0, 1, 1, 1, 0, 2, 2]
//            pred0 pred1 pred2
//   true0      2     2     0
//   true1      1     1     0
//   true2      0     0     2
// class 0: TP 2, FP 1, FN 2 → P 2/3, R 1/2, F1 4/7
// class 1: TP 1, FP 2, FN 1 → P 1/3, R 1/2, F1 2/5
// class 2: TP 2, FP 0, FN 0 → P 1,   R 1,   F1 1
// macro: P (2/3 + 1/3 + 1)/3 = 2/3, R (1/2 + 1/2 + 1)/3 = 2/3, F1 (4/7 + 2/5 + 1)/3 = 23/35
// micro: TP 5, FP 3, FN 3 → P = R = F1 = 5/8 (= accuracy)
const Y_TRUE = [0, 0, 0, 0, 1, 1, 2, 2];
const Y_PRED = [0, 0, 1, 1, 1, 0, 2, 2];

function countsOf(preds: number[], labels: number[], classes: number, mask?: number[]): ConfusionCounts {
  const counts = new ConfusionCounts('test');
  const p = probsFor(preds, classes);
  const y = tf.tensor1d(labels, 'int32');
  const m = mask ? tf.tensor1d(mask) : undefined;
  const before = tf.memory().numTensors;
  counts.update({ predictions: p, labels: y, mask: m });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([p, y, ...(m ? [m] : [])]);
  return counts;
}

describe('ConfusionCounts', () => {
  it('macro and micro scores on the hand-checked 3-class matrix', () => {
    const c = countsOf(Y_PRED, Y_TRUE, 3);
    const macro = c.scores('macro');
    expect(macro.precision).toBeCloseTo(2 / 3, 12);
    expect(macro.recall).toBeCloseTo(2 / 3, 12);
    expect(macro.f1).toBeCloseTo(23 / 35, 12);
    const micro = c.scores('micro');
    expect([micro.precision, micro.recall, micro.f1].map((v) => Math.round(v * 1e12) / 1e12)).toEqual([5 / 8, 5 / 8, 5 / 8]);
    // 'binary' scores one class: class 1 by default, any class on request.
    expect(c.scores('binary')).toEqual({ precision: 1 / 3, recall: 1 / 2, f1: 2 / 5 });
    expect(c.scores('binary', 0).f1).toBeCloseTo(4 / 7, 12);
    expect(c.defaultAverage()).toBe('macro');
  });

  it('macro leaves out classes absent from both labels and predictions', () => {
    // Same data with a 4th class that never occurs: unchanged.
    expect(countsOf(Y_PRED, Y_TRUE, 4).scores('macro').f1).toBeCloseTo(23 / 35, 12);
  });

  it('macro counts a class that occurs only in the predictions, scoring 0 (zero_division=0)', () => {
    // Extra sample: true 0, predicted 3. class 0: TP 2, FP 1, FN 3 → F1 4/8; class 1: 2/5; class 2: 1;
    // class 3: TP 0, FP 1, FN 0 → P 0, R 0/0 → 0, F1 0.  macro F1 = (1/2 + 2/5 + 1 + 0)/4 = 0.475
    // macro recall = (2/5 + 1/2 + 1 + 0)/4 = 0.475; macro precision = (2/3 + 1/3 + 1 + 0)/4 = 0.5
    const s = countsOf([...Y_PRED, 3], [...Y_TRUE, 0], 4).scores('macro');
    expect(s.f1).toBeCloseTo(0.475, 12);
    expect(s.recall).toBeCloseTo(0.475, 12);
    expect(s.precision).toBeCloseTo(0.5, 12);
  });

  it('skips masked samples and padding labels', () => {
    // Masking / padding the two class-0-predicted-as-1 samples and the class-1-predicted-as-0 sample leaves a diagonal.
    expect(countsOf(Y_PRED, Y_TRUE, 3, [1, 1, 0, 0, 1, 0, 1, 1]).scores('macro').f1).toBe(1);
    expect(countsOf(Y_PRED, [0, 0, -1, -1, 1, -1, 2, 2], 3).scores('micro').f1).toBe(1);
    expect(countsOf(Y_PRED, Y_TRUE, 3, [1, 1, 0, 0, 1, 0, 1, 1]).count).toBe(5);
  });

  it('NaN before any sample; refuses to mix binary and multiclass batches', () => {
    const c = new ConfusionCounts('test');
    expect(c.scores('macro').f1).toBeNaN();
    const b = tf.tensor1d([0.7]);
    const y = tf.tensor1d([1]);
    const mc = probsFor([1], 3);
    c.update({ predictions: b, labels: y });
    expect(c.defaultAverage()).toBe('binary');
    expect(() => c.update({ predictions: mc, labels: y })).toThrow(/multiclass predictions after binary/);
    c.reset();
    expect(c.count).toBe(0);
    c.update({ predictions: mc, labels: y });
    expect(c.inputKind).toBe('multiclass');
    tf.dispose([b, y, mc]);
  });
});
