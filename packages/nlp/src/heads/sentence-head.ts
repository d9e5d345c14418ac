import { Dense, type ForwardContext, type Head, type HeadBuildContext, MlpHead, type Parameter } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { splitMaskChannel } from '../model/token-features.js';

export const SentenceHeadOptions = z.strictObject({
  /** How token features become one sentence vector, over real tokens only. */
  pooling: z.enum(['max', 'mean', 'attention']).default('max'),
  /** Hidden units of the tower after pooling ([] = linear). */
  units: z.array(z.number().int().positive()).default([]),
  dropout: z.number().min(0).max(1).default(0),
});

/**
 * Sentence classification from a text trunk's [B, T, D + 1] output (features + token-mask channel): max, mean or
 * attention pooling (a learned score per token, softmax over the real ones) → tower → logits [B, classes].
 */
export class SentenceHead implements Head {
  private readonly pooling: 'max' | 'mean' | 'attention';
  private readonly score: Dense | undefined;
  private readonly tower: MlpHead;

  constructor(options: Record<string, unknown>, ctx: HeadBuildContext) {
    const o = SentenceHeadOptions.parse(options);
    const d = ctx.inputShape[ctx.inputShape.length - 1]! - 1;
    this.pooling = o.pooling;
    this.score = o.pooling === 'attention' ? new Dense(`${ctx.name}/attention`, d, 1, ctx.rng) : undefined;
    this.tower = new MlpHead({ units: o.units, dropout: o.dropout }, { ...ctx, inputShape: [d] });
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => this.tower.apply(this.pool(x), ctx));
  }

  /** [B, T, D + 1] → [B, D] over the real tokens. */
  pool(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const { features, mask } = splitMaskChannel(x);
      const m = mask.expandDims(2);
      if (this.pooling === 'max') return tf.max(tf.add(features, tf.mul(tf.sub(m, 1), 1e9)), 1) as tf.Tensor2D;
      if (this.pooling === 'mean') return tf.div(tf.sum(features, 1), tf.maximum(tf.sum(m, 1), 1)) as tf.Tensor2D;
      const [b, t] = mask.shape;
      const scores = tf.add(this.score!.apply(features).reshape([b, t]), tf.mul(tf.sub(mask, 1), 1e9));
      const weights = tf.softmax(scores).expandDims(2);
      return tf.sum(tf.mul(features, weights), 1) as tf.Tensor2D;
    });
  }

  parameters(): Parameter[] {
    return [...(this.score?.parameters() ?? []), ...this.tower.parameters()];
  }
}
