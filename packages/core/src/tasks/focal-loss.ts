import * as tf from '@tensorflow/tfjs';
import { HEATMAP_FOCAL_LOSS } from '../backend/blas-kernels.js';

export interface HeatmapFocalLossOptions {
  /** 1 at the object centres, 0 elsewhere (the logits' shape); default: where the target is exactly 1. */
  readonly peaks?: tf.Tensor;
  /** One weight per sample (shape [B] or [B, 1, …, 1]: a sample mask); default 1. */
  readonly weight?: tf.Tensor;
  /** The normaliser, clamped to ≥ 1; default the number of peaks. */
  readonly count?: number;
  /** Focusing exponent on the prediction (CenterNet: 2). */
  readonly alpha?: number;
  /** Penalty reduction near the peaks, (1 − y)^β (CenterNet: 4). */
  readonly beta?: number;
}

/**
 * The penalty-reduced focal loss of CenterNet (Zhou et al., "Objects as Points", 2019) on heatmap logits x against
 * Gaussian-splatted targets y in [0, 1], p = σ(x):
 *   L = −Σ w·[(1 − p)^α log p at the peaks, (1 − y)^β p^α log(1 − p) elsewhere] / max(count, 1).
 * Computed from the logits (log p = −softplus(−x), log(1 − p) = −softplus(x)), so it stays finite where p saturates.
 * With the native addon (integer α, β ≤ 16) loss and gradient come from one pass (`HEATMAP_FOCAL_LOSS`) instead of
 * ~20 element-wise kernels forward and ~30 back.
 */
export function heatmapFocalLoss(logits: tf.Tensor, target: tf.Tensor, options: HeatmapFocalLossOptions = {}): tf.Scalar {
  const alpha = options.alpha ?? 2;
  const beta = options.beta ?? 4;
  const samples = logits.shape[0] ?? 1;
  const weight = options.weight;
  if (weight && weight.size !== samples) {
    throw new Error(`heatmapFocalLoss: weight has ${weight.size} values for ${samples} samples (one per sample)`);
  }
  const native =
    logits.dtype === 'float32' &&
    logits.size > 0 &&
    [alpha, beta].every((e) => Number.isInteger(e) && e >= 0 && e <= 16) &&
    tf.getKernel(HEATMAP_FOCAL_LOSS, tf.getBackend()) !== undefined;
  return native ? nativeFocalLoss(logits, target, options, alpha, beta, samples) : focalLossOps(logits, target, options, alpha, beta);
}

function nativeFocalLoss(
  logits: tf.Tensor,
  target: tf.Tensor,
  { peaks, weight, count }: HeatmapFocalLossOptions,
  alpha: number,
  beta: number,
  samples: number,
): tf.Scalar {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const inputs = {
      logits: x,
      target: tf.cast(target, 'float32'),
      ...(peaks ? { peaks: tf.cast(peaks, 'float32') } : {}),
      ...(weight ? { weights: tf.cast(weight, 'float32').reshape([samples]) } : {}),
    };
    const attrs = { alpha, beta, samples, count: count ?? -1 };
    const [loss, grad] = tf.engine().runKernel(HEATMAP_FOCAL_LOSS, inputs, attrs) as tf.Tensor[];
    save([grad!]);
    return { value: loss!, gradFunc: (dy: tf.Tensor, [g]: tf.Tensor[]) => tf.mul(g!, dy) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Scalar;
  return tf.tidy(() => op(logits));
}

/** The same loss as tfjs ops (any backend, any exponents). */
function focalLossOps(
  logits: tf.Tensor,
  target: tf.Tensor,
  { peaks, weight, count }: HeatmapFocalLossOptions,
  alpha: number,
  beta: number,
): tf.Scalar {
  return tf.tidy(() => {
    const y = tf.cast(target, 'float32');
    const q = peaks ? tf.cast(peaks, 'float32') : tf.cast(tf.equal(y, 1), 'float32');
    const p = tf.sigmoid(logits);
    const logP = tf.neg(tf.softplus(tf.neg(logits)));
    const log1mP = tf.neg(tf.softplus(logits));
    const positive = tf.mul(tf.mul(logP, tf.pow(tf.sub(1, p), alpha)), q);
    const negative = tf.mul(tf.mul(log1mP, tf.pow(p, alpha)), tf.mul(tf.pow(tf.sub(1, y), beta), tf.sub(1, q)));
    let terms = tf.add(positive, negative);
    if (weight) terms = tf.mul(terms, tf.reshape(tf.cast(weight, 'float32'), [weight.size, ...logits.shape.slice(1).map(() => 1)]));
    const n = count === undefined ? tf.maximum(tf.sum(q), 1) : Math.max(count, 1);
    return tf.div(tf.neg(tf.sum(terms)), n) as tf.Scalar;
  });
}
