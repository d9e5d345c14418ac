import type { Metric, MetricInput } from '@polytask/core';
import type { DecodedFrame } from '../tasks/frame.js';

/**
 * Sentence (semantic-frame) accuracy: the share of sentences whose intent and every slot tag are right. Labels are
 * [intent id, slot ids…] per sentence; a label never seen in training has an id no prediction has, so it is an error.
 */
export function createSentenceAccuracy(): Metric<number> {
  let correct = 0;
  let total = 0;
  return {
    name: 'sentence_accuracy',
    direction: 'max',
    update(input: MetricInput): void {
      const labels = input.labels!;
      const [b, t] = labels.shape as [number, number];
      const y = labels.dataSync();
      const m = input.positionMask?.dataSync();
      const sample = input.mask?.dataSync();
      const predicted = input.decoded!() as DecodedFrame[];
      for (let i = 0; i < b; i++) {
        if (sample && sample[i] === 0) continue;
        const p = predicted[i]!;
        let right = p.intent === y[i * t]!;
        for (let j = 1, s = 0; j < t && right; j++) {
          if (m && m[i * t + j]! <= 0) continue;
          right = p.slots[s++] === y[i * t + j]!;
        }
        total++;
        if (right) correct++;
      }
    },
    result: () => (total === 0 ? Number.NaN : correct / total),
    reset(): void {
      correct = 0;
      total = 0;
    },
  };
}
