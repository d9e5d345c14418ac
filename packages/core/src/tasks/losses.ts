import * as tf from '@tensorflow/tfjs';
import { SPARSE_SOFTMAX_CE } from '../backend/blas-kernels.js';

/** Mean of per-sample losses over the samples the mask keeps; 0 (with zero gradient) when none is kept. */
export function maskedMean(perSample: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    if (!mask) return tf.mean(perSample) as tf.Scalar;
    const m = mask.rank === perSample.rank ? mask : mask.reshape(perSample.shape);
    return tf.div(tf.sum(tf.mul(perSample, m)), tf.maximum(tf.sum(m), 1)) as tf.Scalar;
  });
}

/** Numerically stable binary cross-entropy on logits: max(x,0) − x·y + log(1 + e^{−|x|}). */
export function sigmoidCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const x = logits.reshape([-1]);
    const y = tf.cast(labels, 'float32').reshape([-1]);
    const perSample = tf.add(tf.sub(tf.relu(x), tf.mul(x, y)), tf.log1p(tf.exp(tf.neg(tf.abs(x)))));
    return maskedMean(perSample, mask?.reshape([-1]));
  });
}

/** Binary cross-entropy on probabilities (ESMM's pCTCVR is a product of probabilities, not a logit). */
export function binaryCrossEntropy(probabilities: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor, epsilon = 1e-7): tf.Scalar {
  return tf.tidy(() => {
    const p = tf.clipByValue(probabilities.reshape([-1]), epsilon, 1 - epsilon);
    const y = tf.cast(labels, 'float32').reshape([-1]);
    const perSample = tf.neg(tf.add(tf.mul(y, tf.log(p)), tf.mul(tf.sub(1, y), tf.log(tf.sub(1, p)))));
    return maskedMean(perSample, mask?.reshape([-1]));
  });
}

/**
 * Softmax cross-entropy on logits [..., C] with integer class labels [...]. Positions whose label is negative
 * (padding) are ignored, on top of the optional mask (which has the labels' shape or the batch shape).
 */
export function softmaxCrossEntropy(logits: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const classes = logits.shape[logits.shape.length - 1]!;
    const flatLogits = logits.reshape([-1, classes]);
    const flatLabels = tf.cast(labels, 'int32').reshape([-1]);
    const valid = tf.cast(tf.greaterEqual(flatLabels, 0), 'float32');
    let keep: tf.Tensor = valid;
    if (mask) {
      const perPosition = mask.size === valid.size ? mask.reshape([-1]) : broadcastMask(mask, labels.shape);
      keep = tf.mul(keep, perPosition);
    }
    const native = flatLogits.dtype === 'float32' && flatLogits.size > 0 && tf.getKernel(SPARSE_SOFTMAX_CE, tf.getBackend());
    return maskedMean(native ? nativeSparseCrossEntropy(flatLogits, flatLabels) : sparseCrossEntropy(flatLogits, flatLabels), keep);
  });
}

/** −log softmax(logits)[label] per row of [N, C]; a negative (ignored) label reads class 0 (its row is masked out). */
function sparseCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const safeLabels = tf.maximum(labels, tf.scalar(0, 'int32'));
  return tf.neg(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(safeLabels, logits.shape[1]!)), 1));
}

/**
 * The same per-row loss from the native kernel (registered with the addon): loss and gradient (softmax − onehot)
 * in one pass over the logits, where the op chain above costs a log-softmax, a one-hot of every position, a
 * product and a sum forward and as many passes back — the bulk of a segmentation map's loss step.
 */
function nativeSparseCrossEntropy(logits: tf.Tensor, labels: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const [loss, grad] = tf.engine().runKernel(SPARSE_SOFTMAX_CE, { logits: x, labels }) as tf.Tensor[];
    save([grad!]);
    return { value: loss!, gradFunc: (dy: tf.Tensor, [g]: tf.Tensor[]) => tf.mul(g!, tf.reshape(dy, [-1, 1])) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor) => tf.Tensor;
  return op(logits);
}

/** A per-sample mask [B] broadcast to per-position labels [B, ...]. */
function broadcastMask(mask: tf.Tensor, labelShape: number[]): tf.Tensor {
  const b = labelShape[0]!;
  const rest = labelShape.slice(1).reduce((a, c) => a * c, 1);
  return tf.tile(mask.reshape([b, 1]), [1, rest]).reshape([-1]);
}

export function meanSquaredError(predictions: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.sub(predictions.reshape([predictions.shape[0]!, -1]), targets.reshape([targets.shape[0]!, -1]));
    return maskedMean(tf.mean(tf.square(d), 1), mask?.reshape([-1]));
  });
}

export function meanAbsoluteError(predictions: tf.Tensor, targets: tf.Tensor, mask?: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const d = tf.sub(predictions.reshape([predictions.shape[0]!, -1]), targets.reshape([targets.shape[0]!, -1]));
    return maskedMean(tf.mean(tf.abs(d), 1), mask?.reshape([-1]));
  });
}
