import {
  createMetrics,
  type DecodeContext,
  type KindConfig,
  type TaskBuildContext,
  type TaskSpec,
  taskKind,
  UsageError,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { nlpContext } from './context.js';
import type { TaggedSentence } from './tagging.js';

/** One sentence's predicted frame as label ids: the intent and every slot tag. */
export interface DecodedFrame {
  readonly intent: number;
  readonly slots: number[];
}

export const FrameOptions = z.strictObject({
  /** The sentence-classification task and the tagging task whose predictions make the frame. */
  intent: z.string().default('intent'),
  slots: z.string().default('slots'),
});

/**
 * The joint semantic frame of an utterance: scored, never trained. It reads the intent and slot heads and decodes
 * them as their own tasks do (argmax; Viterbi for a CRF tagger), so `sentence_accuracy` counts a sentence right when
 * its intent and every slot are. Its labels are [intent id, slot ids…] (the nlp data builds them).
 */
export function frameTask(c: KindConfig<typeof FrameOptions>, context?: TaskBuildContext): TaskSpec {
  const ctx = nlpContext(c.name, context);
  const sibling = (name: string) => {
    const t = ctx.tasks.get(name);
    if (!t) throw new UsageError(`task "${c.name}": no task "${name}" in the run (its intent and slots tasks)`);
    return t;
  };
  const width = (name: string) => ctx.preprocessing.trainedCount(sibling(name).label ?? name);
  const metrics = c.metrics ?? ['sentence_accuracy'];
  return {
    name: c.name,
    label: c.label,
    inputs: [c.intent, c.slots],
    // [B, C] intent logits and [B, T, K] slot scores packed as [B, 1 + T, max(C, K)].
    combine: ([intent, slots]) =>
      tf.tidy(() => {
        const k = slots!.shape[2]!;
        const cls = intent!.shape[1]!;
        const w = Math.max(cls, k);
        const row = tf
          .pad(intent!, [
            [0, 0],
            [0, w - cls],
          ])
          .reshape([-1, 1, w]);
        return tf.concat(
          [
            row,
            tf.pad(slots!, [
              [0, 0],
              [0, 0],
              [0, w - k],
            ]),
          ],
          1,
        );
      }),
    activate: (out) => tf.clone(out),
    decode: (p, dc?: DecodeContext) => {
      const intentTask = sibling(c.intent);
      const slotsTask = sibling(c.slots);
      const cls = width(c.intent);
      const k = width(c.slots);
      const slotNames = ctx.preprocessing.names[slotsTask.label ?? c.slots]!;
      const [b, t1] = p.shape as [number, number, number];
      const intentScores = tf.tidy(() => intentTask.activate(tf.slice(p, [0, 0, 0], [b, 1, cls]).reshape([b, cls])));
      const intentIds = tf.argMax(intentScores, 1);
      const intents = Array.from(intentIds.dataSync());
      const slotScores = tf.tidy(() => slotsTask.activate(tf.slice(p, [0, 1, 0], [b, t1 - 1, k])));
      const mask = dc?.positionMask ? tf.slice(dc.positionMask, [0, 1], [b, t1 - 1]) : undefined;
      const slots = slotsTask.decode(slotScores, { positionMask: mask }) as TaggedSentence[];
      tf.dispose([intentScores, intentIds, slotScores, ...(mask ? [mask] : [])]);
      return intents.map((intent, i): DecodedFrame => ({ intent, slots: slots[i]!.tags.map((tag) => slotNames.indexOf(tag)) }));
    },
    createMetrics: () => createMetrics(metrics, { preprocessing: ctx.preprocessing }),
  };
}

export const frameKind = taskKind(FrameOptions, frameTask);
