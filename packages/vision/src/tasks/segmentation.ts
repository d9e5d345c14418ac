import { activatedHead, createMetrics, type KindConfig, type TaskBuildContext, type TaskSpec } from '@polytask/core';
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
 * Per-pixel cross-entropy plus `diceWeight` × soft Dice, 1 − mean over classes of (2 Σ p·y + 1) / (Σ p + Σ y + 1),
 * both over the kept pixels only (label ≥ 0, sample kept). Logits [B, H, W, K], labels [B, H, W] with −1 = ignored.
 *
 * Value and gradient are computed together on the host, one pass over the pixels each: on the embedded backends a
 * softmax over a short last axis runs as broadcast element-wise kernels that cost more than the whole network here.
 * The gradient is the closed form: CE gives (p − y)/M; Dice gives g = ∂L/∂p per class, through the softmax
 * ∂L/∂x_k = p_k (g_k − Σ_j p_j g_j).
 */
export function segmentationLoss(logits: tf.Tensor, labels: tf.Tensor, diceWeight: number, sampleMask?: tf.Tensor): tf.Scalar {
  const k = logits.shape[logits.rank - 1]!;
  const ids = labels.dataSync();
  const batch = labels.shape[0]!;
  const mask = sampleMask?.dataSync();
  const loss = tf.customGrad(((x: tf.Tensor) => {
    const { value, gradient } = segmentationLossOnHost(x.dataSync() as Float32Array, ids, batch, k, diceWeight, mask);
    return {
      value: tf.scalar(value),
      gradFunc: (dy: tf.Tensor) => {
        const scale = dy.dataSync()[0]!;
        return tf.tensor(scale === 1 ? gradient : gradient.map((g) => g * scale), x.shape);
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Scalar;
  return loss(logits);
}

/** The loss of `segmentationLoss` and its gradient with respect to the logits, from flat host arrays. */
export function segmentationLossOnHost(
  logits: Float32Array,
  labels: ArrayLike<number>,
  batch: number,
  k: number,
  diceWeight: number,
  sampleMask?: ArrayLike<number>,
): { value: number; gradient: Float32Array } {
  const n = labels.length;
  const perSample = n / batch;
  const p = new Float32Array(n * k);
  const kept = new Uint8Array(n);
  const inter = new Float64Array(k);
  const predicted = new Float64Array(k);
  const truth = new Float64Array(k);
  let m = 0;
  let ce = 0;
  for (let i = 0; i < n; i++) {
    const y = labels[i]!;
    if (y < 0 || (sampleMask && sampleMask[Math.floor(i / perSample)] === 0)) continue;
    if (y >= k) throw new Error(`pixel label ${y} is outside [0, ${k})`);
    kept[i] = 1;
    m += 1;
    const o = i * k;
    let max = logits[o]!;
    for (let c = 1; c < k; c++) if (logits[o + c]! > max) max = logits[o + c]!;
    let sum = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(logits[o + c]! - max);
      p[o + c] = e;
      sum += e;
    }
    for (let c = 0; c < k; c++) {
      p[o + c]! /= sum;
      predicted[c]! += p[o + c]!;
    }
    ce -= logits[i * k + y]! - max - Math.log(sum);
    inter[y]! += p[i * k + y]!;
    truth[y]! += 1;
  }
  const gradient = new Float32Array(n * k);
  const mm = Math.max(m, 1);
  let value = ce / mm;
  const den = Float64Array.from(predicted, (pk, c) => pk + truth[c]! + 1);
  const dice = Float64Array.from(inter, (ic, c) => (2 * ic + 1) / den[c]!);
  if (diceWeight > 0) value += diceWeight * (1 - dice.reduce((a, b) => a + b, 0) / k);
  const g = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    if (!kept[i]) continue;
    const y = labels[i]!;
    let dot = 0;
    for (let c = 0; c < k; c++) {
      // ∂(1 − mean D)/∂p_c = −(1/K)·(2·y_c − D_c)/den_c
      g[c] = diceWeight > 0 ? ((-diceWeight / k) * ((c === y ? 2 : 0) - dice[c]!)) / den[c]! : 0;
      dot += p[i * k + c]! * g[c]!;
    }
    for (let c = 0; c < k; c++) {
      const pc = p[i * k + c]!;
      gradient[i * k + c] = (pc - (c === y ? 1 : 0)) / mm + pc * (g[c]! - dot);
    }
  }
  return { value, gradient };
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
    loss: (out, t) => {
      if (!t.labels) throw new Error(`task "${c.name}": the batch has no pixel labels`);
      return segmentationLoss(out, t.labels, c.diceWeight, t.mask);
    },
    activate: (out) => tf.softmax(out),
    exportOutput: activatedHead('softmax'), // Keras export
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
