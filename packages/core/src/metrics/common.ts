import type * as tf from '@tensorflow/tfjs';
import type { z } from 'zod';
import { UsageError } from '../util/errors.js';
import type { MetricInput } from './metric.js';

/**
 * Shared plumbing of the built-in metrics. Every metric reads its batch with `dataSync()` (which allocates no
 * tensor) and accumulates plain numbers, so `update` never creates or leaks a tensor.
 *
 * Conventions shared by all metrics:
 * - `mask` [B] (optional): a sample whose mask value is 0 is skipped; any other value includes it (masks are not weights).
 * - Per-position labels ([B, T] tokens, [B, H, W] pixels) are scored position by position (`sampleView`): a position
 *   counts where its sample's mask and its position mask are not 0.
 * - Classification labels that are negative or NaN are padding and are skipped.
 * - A metric that has seen no sample returns NaN.
 */

/** Validates factory options with a zod schema; a bad option is a `UsageError` naming the metric and field. */
export function parseOptions<S extends z.ZodType>(metric: string, schema: S, options: Record<string, unknown> | undefined): z.output<S> {
  const parsed = schema.safeParse(options ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join('.') : 'options'}: ${i.message}`);
    throw new UsageError(`metric "${metric}": invalid options: ${problems.join('; ')}`);
  }
  return parsed.data;
}

/** Number of samples B of a batch (the first dimension of the predictions). */
export function batchSize(metric: string, predictions: tf.Tensor): number {
  const b = predictions.shape[0];
  if (predictions.rank === 0 || b === undefined)
    throw new Error(`metric "${metric}": predictions must have a batch dimension, got a scalar`);
  return b;
}

/** Reads a per-sample tensor ([B] or [B, 1]) such as labels, user ids or the mask, checking it has B values. */
export function readPerSample(metric: string, what: string, t: tf.Tensor, n: number): ArrayLike<number> {
  if (t.size !== n || (t.rank > 1 && t.shape[0] !== n)) {
    throw new Error(`metric "${metric}": ${what} must have shape [${n}] to match the predictions, got [${t.shape.join(', ')}]`);
  }
  return t.dataSync();
}

/** Reads the optional mask; `undefined` means every sample counts. */
export function readMask(metric: string, mask: tf.Tensor | undefined, n: number): ArrayLike<number> | undefined {
  return mask === undefined ? undefined : readPerSample(metric, 'mask', mask, n);
}

/** Whether sample `i` counts under `mask` (mask value 0 skips it). */
export function included(mask: ArrayLike<number> | undefined, i: number): boolean {
  return mask === undefined || mask[i] !== 0;
}

/** Classification predictions: binary probabilities [B] / [B, 1], or class probabilities [B, C] with C ≥ 2. */
export type ClassificationBatch =
  | { readonly kind: 'binary'; readonly n: number; readonly scores: ArrayLike<number> }
  | { readonly kind: 'multiclass'; readonly n: number; readonly classes: number; readonly probs: ArrayLike<number> };

export function readClassification(metric: string, predictions: tf.Tensor): ClassificationBatch {
  const n = batchSize(metric, predictions);
  if (predictions.rank === 1 || (predictions.rank === 2 && predictions.shape[1] === 1)) {
    return { kind: 'binary', n, scores: predictions.dataSync() };
  }
  const classes = predictions.shape[1];
  if (predictions.rank === 2 && classes !== undefined && classes >= 2) {
    return { kind: 'multiclass', n, classes, probs: predictions.dataSync() };
  }
  throw new Error(`metric "${metric}": expected probabilities [B] or [B, C], got shape [${predictions.shape.join(', ')}]`);
}

/** Reads binary predictions only ([B] or [B, 1]). */
export function readBinaryScores(metric: string, predictions: tf.Tensor): { n: number; scores: ArrayLike<number> } {
  const batch = readClassification(metric, predictions);
  if (batch.kind !== 'binary') {
    throw new Error(`metric "${metric}": expected binary probabilities [B], got shape [${predictions.shape.join(', ')}]`);
  }
  return batch;
}

/** A binary label: 0 or 1; `undefined` for padding (negative or NaN). Anything else is an error. */
export function binaryLabel(metric: string, v: number): 0 | 1 | undefined {
  if (Number.isNaN(v) || v < 0) return undefined;
  if (v === 0 || v === 1) return v;
  throw new Error(`metric "${metric}": binary labels must be 0 or 1 (negative = padding), got ${v}`);
}

/** A class id in [0, classes); `undefined` for padding (negative or NaN). Anything else is an error. */
export function classLabel(metric: string, v: number, classes: number): number | undefined {
  if (Number.isNaN(v) || v < 0) return undefined;
  if (!Number.isInteger(v) || v >= classes) {
    throw new Error(`metric "${metric}": class labels must be integers in [0, ${classes}) (negative = padding), got ${v}`);
  }
  return v;
}

/** Index of the largest of `classes` values of row `row` (first one on ties, like numpy/tf argmax). */
export function argmaxRow(probs: ArrayLike<number>, row: number, classes: number): number {
  const start = row * classes;
  let best = 0;
  let bestValue = probs[start] ?? Number.NEGATIVE_INFINITY;
  for (let c = 1; c < classes; c++) {
    const v = probs[start + c] ?? Number.NEGATIVE_INFINITY;
    if (v > bestValue) {
      best = c;
      bestValue = v;
    }
  }
  return best;
}

/** An append-only float32 buffer (doubling capacity) for metrics that must keep every score (AUC). */
export class Float32Buffer {
  private data = new Float32Array(1024);
  private size = 0;

  get length(): number {
    return this.size;
  }

  push(v: number): void {
    if (this.size === this.data.length) {
      const grown = new Float32Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.size++] = v;
  }

  /** The stored values (a view: valid until the next `push` or `clear`; may be reordered in place). */
  view(): Float32Array {
    return this.data.subarray(0, this.size);
  }

  clear(): void {
    this.data = new Float32Array(1024);
    this.size = 0;
  }
}

/** Labels, predictions and mask of a batch as flat samples: per sample, or one sample per label position. */
export interface SampleView {
  /** [N] binary probabilities or [N, C] class probabilities (N = samples, or positions). */
  readonly predictions: tf.Tensor;
  /** [N] labels. */
  readonly labels: tf.Tensor;
  /** [N] 0/1, or undefined when everything counts. */
  readonly mask: ArrayLike<number> | undefined;
  readonly n: number;
  /** Frees the reshaped views (call once done reading). */
  release(): void;
}

/**
 * The batch as flat samples. Per-sample labels ([B] or [B, 1]) pass through; per-position labels (more than one value
 * per sample, or a position mask) become N = labels.size samples, with predictions reshaped to [N] or [N, C] and
 * the per-sample mask repeated over each sample's positions and multiplied by the position mask.
 */
export function sampleView(metric: string, input: MetricInput): SampleView {
  const { predictions, labels, mask, positionMask } = input;
  if (!labels) throw new Error(`metric "${metric}": needs dense labels`);
  const b = batchSize(metric, predictions);
  const perPosition = positionMask !== undefined || (labels.rank >= 2 && labels.size > b);
  if (!perPosition) {
    return { predictions, labels, mask: readMask(metric, mask, b), n: b, release: () => {} };
  }
  const n = labels.size;
  if (predictions.size % n !== 0 || predictions.shape[0] !== b) {
    throw new Error(`metric "${metric}": predictions [${predictions.shape}] do not match per-position labels [${labels.shape}]`);
  }
  const classes = predictions.size / n;
  const flatPredictions = classes === 1 ? predictions.reshape([n]) : predictions.reshape([n, classes]);
  const flatLabels = labels.reshape([n]);
  let keep: Float32Array | undefined;
  if (mask || positionMask) {
    keep = new Float32Array(n).fill(1);
    const perSample = n / b;
    if (mask) {
      const m = readPerSample(metric, 'mask', mask, b);
      for (let i = 0; i < n; i++) if (m[Math.floor(i / perSample)] === 0) keep[i] = 0;
    }
    if (positionMask) {
      if (positionMask.size !== n)
        throw new Error(`metric "${metric}": position mask [${positionMask.shape}] does not match labels [${labels.shape}]`);
      const pm = positionMask.dataSync();
      for (let i = 0; i < n; i++) if (pm[i] === 0) keep[i] = 0;
    }
  }
  return {
    predictions: flatPredictions,
    labels: flatLabels,
    mask: keep,
    n,
    release: () => {
      flatPredictions.dispose();
      flatLabels.dispose();
    },
  };
}
