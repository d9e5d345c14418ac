import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { argmaxRow, binaryLabel, classLabel, included, parseOptions, readClassification, readMask, readPerSample } from './common.js';
import type { Metric } from './metric.js';

export const AccuracyOptions = z.strictObject({
  /** Binary inputs: a probability strictly above `threshold` predicts class 1 (Keras / torchmetrics convention). */
  threshold: z.number().min(0).max(1).default(0.5),
});

/**
 * Fraction of correctly classified samples, name `accuracy`.
 * Binary probabilities [B] (or [B, 1]) are thresholded (`p > threshold` ⇒ 1) against labels 0/1;
 * class probabilities [B, C] are argmax-ed against integer labels [B]. Masked-out and padding (< 0) labels are skipped.
 */
export function createAccuracy(options?: Record<string, unknown>): Metric {
  const { threshold } = parseOptions('accuracy', AccuracyOptions, options);
  let correct = 0;
  let total = 0;
  return {
    name: 'accuracy',
    direction: 'max',
    update(predictions: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor): void {
      const batch = readClassification('accuracy', predictions);
      const y = readPerSample('accuracy', 'labels', labels, batch.n);
      const m = readMask('accuracy', mask, batch.n);
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
    },
    result: () => (total === 0 ? Number.NaN : correct / total),
    reset(): void {
      correct = 0;
      total = 0;
    },
  };
}
