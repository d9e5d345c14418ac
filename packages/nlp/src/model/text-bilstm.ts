import { BiLstm, dropout, type ForwardContext, type Inputs, type Parameter, type Trunk, type TrunkBuildContext } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { TokenFeatureOptions, TokenFeatures, tokenMask, withMaskChannel } from './token-features.js';

export const TextBiLstmOptions = z.strictObject({
  ...TokenFeatureOptions,
  /** Units per direction of each BiLSTM layer. */
  hidden: z.number().int().positive().default(128),
  layers: z.number().int().positive().default(1),
});

/**
 * Word embedding + char CNN → padding-aware BiLSTM layers (each sequence read within its own length, so padding
 * changes no real output). Output [B, T, 2·hidden + 1]: features and the token-mask channel.
 */
export class TextBiLstm implements Trunk {
  readonly outputShape: number[];
  private readonly features: TokenFeatures;
  private readonly lstms: BiLstm[];
  private readonly rate: number;

  constructor(options: Record<string, unknown>, ctx: TrunkBuildContext) {
    const o = TextBiLstmOptions.parse(options);
    this.features = new TokenFeatures(ctx.name, o, ctx.data.meta, ctx.rng);
    this.lstms = Array.from(
      { length: o.layers },
      (_, i) => new BiLstm(`${ctx.name}/bilstm_${i}`, i === 0 ? this.features.units : 2 * o.hidden, o.hidden, ctx.rng),
    );
    this.rate = o.dropout;
    this.outputShape = [-1, 2 * o.hidden + 1];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const mask = tokenMask(inputs);
      const lengths = inputs.lengths!;
      let x = dropout(this.features.apply(inputs, ctx), this.rate, ctx, 1) as tf.Tensor3D;
      this.lstms.forEach((lstm, i) => {
        x = dropout(lstm.apply(x, ctx, lengths), this.rate, ctx, 2 + i) as tf.Tensor3D;
      });
      return withMaskChannel(x, mask);
    });
  }

  parameters(): Parameter[] {
    return [...this.features.parameters(), ...this.lstms.flatMap((l) => l.parameters())];
  }
}
