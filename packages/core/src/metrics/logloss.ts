import { z } from 'zod';
import { classLabel, included, parseOptions, readClassification, readPerSample, sampleView } from './common.js';
import type { Metric, MetricInput } from './metric.js';

export const LoglossOptions = z.strictObject({
  /** Probabilities are clipped to [eps, 1 − eps] before the log. */
  eps: z.number().positive().max(0.5).default(1e-7),
});

/**
 * Mean cross-entropy of the predicted probabilities, name `logloss`, lower is better.
 * Binary probabilities [B] (or [B, 1]): −[y·ln p + (1 − y)·ln(1 − p)] with p clipped to [eps, 1 − eps] and y in
 * [0, 1] (soft labels allowed; negative/NaN = padding). Class probabilities [B, C] with integer labels:
 * −ln(clip(p[label])) (probabilities are not renormalised). Mean over counted samples; NaN if none.
 */
export function createLogloss(options?: Record<string, unknown>): Metric<number> {
  const { eps } = parseOptions('logloss', LoglossOptions, options);
  const clip = (p: number): number => Math.min(Math.max(p, eps), 1 - eps);
  let sum = 0;
  let count = 0;
  return {
    name: 'logloss',
    direction: 'min',
    update(input: MetricInput): void {
      const view = sampleView('logloss', input);
      const batch = readClassification('logloss', view.predictions);
      const y = readPerSample('logloss', 'labels', view.labels, batch.n);
      const m = view.mask;
      for (let i = 0; i < batch.n; i++) {
        if (!included(m, i)) continue;
        const label = y[i]!;
        if (Number.isNaN(label) || label < 0) continue;
        if (batch.kind === 'binary') {
          if (label > 1) throw new Error(`metric "logloss": binary labels must lie in [0, 1] (negative = padding), got ${label}`);
          const p = clip(batch.scores[i]!);
          sum -= label * Math.log(p) + (1 - label) * Math.log(1 - p);
        } else {
          const c = classLabel('logloss', label, batch.classes)!;
          sum -= Math.log(clip(batch.probs[i * batch.classes + c]!));
        }
        count++;
      }
      view.release();
    },
    result: () => (count === 0 ? Number.NaN : sum / count),
    reset(): void {
      sum = 0;
      count = 0;
    },
  };
}
