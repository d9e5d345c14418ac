import { createClassificationScore } from './confusion.js';
import type { Metric } from './metric.js';

/**
 * Precision TP / (TP + FP), name `precision` (binary), `precision_micro` or `precision_macro`.
 * Options: `average` ('binary' | 'micro' | 'macro'; default 'binary' for [B] inputs, 'macro' for [B, C]),
 * `threshold` (binary inputs, default 0.5, `p > threshold` ⇒ 1), `positiveClass` (default 1).
 * Averaging follows sklearn with `zero_division=0`; see `Average` in `confusion.ts`.
 */
export function createPrecision(options?: Record<string, unknown>): Metric<number> {
  return createClassificationScore('precision', options);
}
