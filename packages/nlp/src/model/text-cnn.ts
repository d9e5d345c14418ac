import {
  createParameter,
  Dense,
  dropout,
  type ForwardContext,
  glorotUniform,
  type Inputs,
  type Module,
  type Parameter,
  type Rng,
  type Trunk,
  type TrunkBuildContext,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { sameConv1d } from './conv1d.js';
import { TokenFeatureOptions, TokenFeatures, tokenMask, withMaskChannel } from './token-features.js';

export const TextCnnOptions = z.strictObject({
  ...TokenFeatureOptions,
  /** Channels of every convolution. */
  width: z.number().int().positive().default(200),
  kernel: z.number().int().positive().default(3),
  /** One residual block per dilation (ID-CNN, Strubell et al. 2017): the context grows exponentially. */
  dilations: z.array(z.number().int().positive()).min(1).default([1, 2, 4]),
});

/** conv1d (dilated, same length) + ReLU with a residual connection. */
class ConvBlock implements Module {
  readonly filter: Parameter;
  readonly bias: Parameter;

  constructor(
    name: string,
    width: number,
    kernel: number,
    readonly dilation: number,
    rng: Rng,
  ) {
    this.filter = createParameter(`${name}/kernel`, glorotUniform([kernel, width, width], kernel * width, width, rng));
    this.bias = createParameter(`${name}/bias`, tf.zeros([width]));
  }

  apply(x: tf.Tensor3D, mask3: tf.Tensor3D): tf.Tensor3D {
    return tf.tidy(() => {
      const y = tf.relu(tf.add(sameConv1d(x, this.filter.variable as tf.Tensor3D, this.dilation), this.bias.variable));
      // Padded positions stay 0, so a real position's receptive field sees the same zeros however long the padding.
      return tf.mul(tf.add(x, y), mask3) as tf.Tensor3D;
    });
  }

  parameters(): Parameter[] {
    return [this.filter, this.bias];
  }
}

/**
 * The faster trunk: word embedding + char CNN → projection → dilated residual convolutions (all positions at once,
 * no recurrence). Output [B, T, width + 1]: features and the token-mask channel.
 */
export class TextCnn implements Trunk {
  readonly outputShape: number[];
  private readonly features: TokenFeatures;
  private readonly project: Dense;
  private readonly blocks: ConvBlock[];
  private readonly rate: number;

  constructor(options: Record<string, unknown>, ctx: TrunkBuildContext) {
    const o = TextCnnOptions.parse(options);
    this.features = new TokenFeatures(ctx.name, o, ctx.data.meta, ctx.rng);
    this.project = new Dense(`${ctx.name}/project`, this.features.units, o.width, ctx.rng, { activation: 'relu' });
    this.blocks = o.dilations.map((d, i) => new ConvBlock(`${ctx.name}/conv_${i}`, o.width, o.kernel, d, ctx.rng));
    this.rate = o.dropout;
    this.outputShape = [-1, o.width + 1];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const mask = tokenMask(inputs);
      const mask3 = mask.expandDims(2) as tf.Tensor3D;
      const f = dropout(this.features.apply(inputs, ctx), this.rate, ctx, 1);
      let x = tf.mul(this.project.apply(f), mask3) as tf.Tensor3D;
      this.blocks.forEach((block) => {
        x = block.apply(x, mask3);
      });
      return withMaskChannel(dropout(x, this.rate, ctx, 2) as tf.Tensor3D, mask);
    });
  }

  parameters(): Parameter[] {
    return [...this.features.parameters(), ...this.project.parameters(), ...this.blocks.flatMap((b) => b.parameters())];
  }
}
