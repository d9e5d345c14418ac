import {
  createMetrics,
  type KindConfig,
  keptPositions,
  softmaxCrossEntropy,
  type TaskBuildContext,
  type TaskSpec,
  taskKind,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { nlpContext, requireLabel } from './context.js';

/** One sentence's predicted class and its probability. */
export interface ClassifiedSentence {
  readonly label: string;
  readonly confidence: number;
}

export const SentenceClassificationOptions = z.strictObject({});

/**
 * Sentence classification (intent, topic) over the classes seen in training, plus one never-trained class that every
 * label met only in evaluation data maps to (so it is scored as an error, and accuracy stays core's).
 */
export function sentenceClassificationTask(c: KindConfig<typeof SentenceClassificationOptions>, context?: TaskBuildContext): TaskSpec {
  const key = c.label ?? c.name;
  const ctx = nlpContext(c.name, context);
  requireLabel(c.name, key, ctx.preprocessing, 'classes');
  const names = ctx.preprocessing.names[key]!;
  const k = ctx.preprocessing.trainedCount(key);
  const metrics = c.metrics ?? ['accuracy'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type === 'mlp' ? 'sentence' : c.head.type, options: c.head.options, outputUnits: k },
    loss: (out, t) => softmaxCrossEntropy(out, t.labels!, keptPositions(t, t.labels!.shape)),
    activate: (out) => tf.softmax(out),
    decode: (p) => {
      const probs = p.dataSync();
      return Array.from({ length: p.shape[0]! }, (_, i): ClassifiedSentence => {
        let best = 0;
        for (let y = 1; y < k; y++) if (probs[i * k + y]! > probs[i * k + best]!) best = y;
        return { label: names[best]!, confidence: probs[i * k + best]! };
      });
    },
    createMetrics: () => createMetrics(metrics, { classNames: names, preprocessing: ctx.preprocessing }),
  };
}

export const sentenceClassificationKind = taskKind(SentenceClassificationOptions, sentenceClassificationTask);
