import { type ForwardContext, type Head, type HeadBuildContext, MlpHead, MlpHeadOptions, type Parameter } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { splitMaskChannel } from '../model/token-features.js';

export const TokenHeadOptions = MlpHeadOptions;

/** Per-token scores from a text trunk's [B, T, D + 1] output: the mask channel dropped, a tower on every position. */
export class TokenHead implements Head {
  private readonly tower: MlpHead;

  constructor(options: Record<string, unknown>, ctx: HeadBuildContext) {
    const d = ctx.inputShape[ctx.inputShape.length - 1]! - 1;
    this.tower = new MlpHead(TokenHeadOptions.parse(options), { ...ctx, inputShape: [-1, d] });
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const { features } = splitMaskChannel(x);
      const [b, t, d] = features.shape;
      return this.tower.apply(features.reshape([b * t, d]), ctx).reshape([b, t, -1]);
    });
  }

  parameters(): Parameter[] {
    return this.tower.parameters();
  }
}
