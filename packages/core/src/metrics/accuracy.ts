import { z } from 'zod';
import { argmaxRow, binaryLabel, classLabel, included, parseOptions, readClassification, readPerSample, sampleView } from './common.js';
import type { Metric, MetricInput } from './metric.js';

export const AccuracyOptions = z.strictObject({
  /** Binary inputs: a probability strictly above `threshold` predicts class 1 (Keras / torchmetrics convention). */
  threshold: z.number().min(0).max(1).default(0.5),
});

/**
 * Fraction of correctly classified samples, name `accuracy`.
 * Binary probabilities [B] (or [B, 1]) are thresholded (`p > threshold` ⇒ 1) against labels 0/1;
 * class probabilities [B, C] are argmax-ed against integer labels [B]. Masked-out and padding (< 0) labels are skipped.
 */
export function createAccuracy(options?: Record<string, unknown>): Metric<number> {
  const { threshold } = parseOptions('accuracy', AccuracyOptions, options);
  let correct = 0;
  let total = 0;
  return {
    name: 'accuracy',
    direction: 'max',
    update(input: MetricInput): void {
      const view = sampleView('accuracy', input);
      const batch = readClassification('accuracy', view.predictions);
      const y = readPerSample('accuracy', 'labels', view.labels, batch.n);
      const m = view.mask;
      for (let i = 0; i < batch.n; i++) {
        if (!included(m, i)) continue;
        let truth: number | undefined;
        let predicted: number;
        if (batch.kind === 'binary') {
          truth = binaryLabel('accuracy', y[i]!);
          predicted = batch.scores[i]! > threshold ? 1 : 0;
        } else {
          truth = classLabel('accuracy', y[i]!, batch.classes);
          predicted = argmaxRow(batch.probs, i, batch.classes);
        }
        if (truth === undefined) continue;
        total++;
        if (truth === predicted) correct++;
      }
      view.release();
    },
    result: () => (total === 0 ? Number.NaN : correct / total),
    reset(): void {
      correct = 0;
      total = 0;
    },
  };
}
