import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { createMeanIou, createPixelAccuracy } from './segmentation-metrics.js';

/** Probabilities [1, 2, 3, 3] whose argmax is `ids` (2×3 pixels). */
const probs = (ids: number[]) =>
  tf.tensor4d(
    ids.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0.8 : 0.1))),
    [1, 2, 3, 3],
  );

describe('mIoU and pixel accuracy', () => {
  it('match the hand-computed confusion, ignoring unlabeled pixels', () => {
    // truth:      0 0 1 / 1 2 −1(unlabeled)     prediction: 0 1 1 / 1 1 2
    const labels = tf.tensor3d([0, 0, 1, 1, 2, -1], [1, 2, 3], 'int32');
    const predictions = probs([0, 1, 1, 1, 1, 2]);
    // class 0: TP 1, FN 1, FP 0 → 1/2; class 1: TP 2, FP 2 (a 0 and a 2 predicted as 1) → 2/4; class 2: TP 0, FN 1 → 0
    const miou = createMeanIou(undefined, { classNames: ['bg', 'a', 'b'] });
    const acc = createPixelAccuracy(undefined, { classNames: ['bg', 'a', 'b'] });
    miou.update({ predictions, labels });
    acc.update({ predictions, labels });
    const r = miou.result();
    expect(r['iou/bg']).toBeCloseTo(0.5, 12);
    expect(r['iou/a']).toBeCloseTo(0.5, 12);
    expect(r['iou/b']).toBe(0);
    expect(r.miou).toBeCloseTo(1 / 3, 12);
    // 3 of the 5 labelled pixels right
    expect(acc.result()).toBeCloseTo(3 / 5, 12);
    tf.dispose([labels, predictions]);
  });

  it('skips samples without a mask and classes that appear nowhere', () => {
    const labels = tf.tensor3d([0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1], [2, 2, 3], 'int32');
    const predictions = tf.concat([probs([0, 0, 0, 0, 0, 0]), probs([0, 0, 0, 0, 0, 0])]);
    const mask = tf.tensor1d([1, 0]);
    const miou = createMeanIou(undefined, { classNames: ['bg', 'a', 'b'] });
    miou.update({ predictions, labels, mask });
    expect(miou.result()).toEqual({ miou: 1, 'iou/bg': 1 });
    tf.dispose([labels, predictions, mask]);
  });
});
