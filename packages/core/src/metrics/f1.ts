import { createClassificationScore } from './confusion.js';
import type { Metric } from './metric.js';

/**
 * F1 = 2·TP / (2·TP + FP + FN) (harmonic mean of precision and recall), name `f1` (binary), `f1_micro` or `f1_macro`.
 * Options: `average` ('binary' | 'micro' | 'macro'; default 'binary' for [B] inputs, 'macro' for [B, C]),
 * `threshold` (binary inputs, default 0.5, `p > threshold` ⇒ 1), `positiveClass` (default 1).
 * Averaging follows sklearn with `zero_division=0`; see `Average` in `confusion.ts`.
 */
export function createF1(options?: Record<string, unknown>): Metric<number> {
  return createClassificationScore('f1', options);
}
