import {
  createMetrics,
  type KindConfig,
  softmaxCrossEntropy,
  type TaskBuildContext,
  type TaskSpec,
  type TaskTargets,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export const SegmentationOptions = z.strictObject({
  /** Number of pixel classes (background included); default the data's segmentation classes. */
  classes: z.number().int().min(2).optional(),
  /** Weight of the soft Dice loss added to the per-pixel cross-entropy (0 = cross-entropy only). */
  diceWeight: z.number().min(0).default(1),
});

/** A decoded mask: the class id of every pixel of the network input, row-major. */
export interface DecodedMask {
  readonly width: number;
  readonly height: number;
  readonly classIds: Uint8Array;
}

/**
 * Soft Dice loss, 1 − mean over classes of (2 Σ p·y + 1) / (Σ p + Σ y + 1), over the kept pixels (label ≥ 0 and
 * the sample carries a mask). Probabilities [B, H, W, K], labels [B, H, W] with −1 = ignored.
 */
export function diceLoss(probabilities: tf.Tensor, labels: tf.Tensor, sampleMask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const k = probabilities.shape[probabilities.rank - 1]!;
    const ids = tf.cast(labels, 'int32');
    let keep = tf.cast(tf.greaterEqual(ids, 0), 'float32');
    if (sampleMask) keep = tf.mul(keep, sampleMask.reshape([-1, ...labels.shape.slice(1).map(() => 1)]));
    const weight = keep.expandDims(-1);
    const truth = tf.mul(tf.oneHot(tf.maximum(ids, tf.scalar(0, 'int32')) as tf.Tensor1D, k), weight);
    const p = tf.mul(probabilities, weight);
    const axes = Array.from({ length: probabilities.rank - 1 }, (_, i) => i);
    const inter = tf.sum(tf.mul(p, truth), axes);
    const denominator = tf.add(tf.sum(p, axes), tf.sum(truth, axes));
    return tf.sub(1, tf.mean(tf.div(tf.add(tf.mul(inter, 2), 1), tf.add(denominator, 1)))) as tf.Scalar;
  });
}

function segmentationLoss(c: KindConfig<typeof SegmentationOptions>, out: tf.Tensor, t: TaskTargets): tf.Scalar {
  if (!t.labels) throw new Error(`task "${c.name}": the batch has no pixel labels`);
  const labels = t.labels;
  return tf.tidy(() => {
    // negative labels (unlabeled pixels, padding) are ignored by the cross-entropy and by Dice alike
    const ce = softmaxCrossEntropy(out, labels, t.mask);
    if (c.diceWeight === 0) return ce;
    return tf.add(ce, tf.mul(diceLoss(tf.softmax(out), labels, t.mask), c.diceWeight)) as tf.Scalar;
  });
}

/**
 * Semantic segmentation: a class per pixel (logits [B, H, W, K] at the input resolution), per-pixel cross-entropy
 * plus soft Dice; the unlabeled id (−1 in the labels) is ignored everywhere. Metrics default to `miou` (with
 * per-class IoU) and `pixel_accuracy`.
 */
export function segmentationTask(c: KindConfig<typeof SegmentationOptions>, context?: TaskBuildContext): TaskSpec {
  const classes = c.classes ?? context?.classNames?.length;
  if (!classes) throw new Error(`task "${c.name}" (segmentation): give "classes" or data with named segmentation classes`);
  const headType = c.head.type === 'mlp' ? 'conv' : c.head.type;
  const metrics = c.metrics ?? ['miou', 'pixel_accuracy'];
  return {
    name: c.name,
    label: c.label,
    head: { type: headType, options: { upsample: 4, ...c.head.options }, outputUnits: classes },
    loss: (out, t) => segmentationLoss(c, out, t),
    activate: (out) => tf.softmax(out),
    decode: (p) => {
      const ids = tf.tidy(() => tf.argMax(p, -1));
      const flat = ids.dataSync();
      ids.dispose();
      const [batch, height, width] = p.shape as [number, number, number];
      return Array.from({ length: batch }, (_, b): DecodedMask => {
        const classIds = Uint8Array.from(flat.subarray(b * height * width, (b + 1) * height * width));
        return { width, height, classIds };
      });
    },
    createMetrics: () => createMetrics(metrics, context),
  };
}
