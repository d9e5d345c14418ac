import { createClassificationScore } from './confusion.js';
import type { Metric } from './metric.js';

/**
 * Recall TP / (TP + FN), name `recall` (binary), `recall_micro` or `recall_macro`.
 * Options: `average` ('binary' | 'micro' | 'macro'; default 'binary' for [B] inputs, 'macro' for [B, C]),
 * `threshold` (binary inputs, default 0.5, `p > threshold` ⇒ 1), `positiveClass` (default 1).
 * Averaging follows sklearn with `zero_division=0`; see `Average` in `confusion.ts`.
 */
export function createRecall(options?: Record<string, unknown>): Metric<number> {
  return createClassificationScore('recall', options);
}
