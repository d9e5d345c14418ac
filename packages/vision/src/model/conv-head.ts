import { Conv2d, type Head, type HeadBuildContext, type Parameter } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

export const ConvHeadOptions = z.strictObject({
  /** Channels of the 3×3 conv + ReLU before the 1×1 output conv; default the input's. */
  hidden: z.number().int().positive().optional(),
  /** Bilinear upsampling of the logits by this factor (segmentation back to the input resolution). */
  upsample: z.number().int().positive().default(1),
  /** Initial bias of the first output channels (CenterNet's −2.19: heatmaps start at a 0.1 prior). */
  initialBias: z.array(z.number()).optional(),
});
export type ConvHeadOptions = z.infer<typeof ConvHeadOptions>;

/** A dense-prediction head: 3×3 conv + ReLU, 1×1 conv to the task's channels, optional bilinear upsampling. */
export class ConvHead implements Head {
  readonly hidden: Conv2d;
  readonly out: Conv2d;
  readonly upsample: number;

  constructor(options: ConvHeadOptions, ctx: HeadBuildContext) {
    const inChannels = ctx.inputShape[ctx.inputShape.length - 1]!;
    if (ctx.inputShape.length !== 3) throw new Error(`head "conv" reads [H, W, C] features, got [${ctx.inputShape}]`);
    const hidden = options.hidden ?? inChannels;
    this.hidden = new Conv2d(`${ctx.name}/hidden`, inChannels, hidden, ctx.rng, { kernelSize: 3, padding: 1, activation: 'relu' });
    this.out = new Conv2d(`${ctx.name}/out`, hidden, ctx.outputUnits, ctx.rng, { kernelSize: 1 });
    if (options.initialBias) {
      const bias = new Float32Array(ctx.outputUnits);
      bias.set(options.initialBias.slice(0, ctx.outputUnits));
      const initial = tf.tensor1d(bias);
      this.out.bias!.variable.assign(initial);
      initial.dispose();
    }
    this.upsample = options.upsample;
  }

  apply(features: tf.Tensor): tf.Tensor {
    const y = this.out.apply(this.hidden.apply(features as tf.Tensor4D));
    if (this.upsample === 1) return y;
    // tfjs' default sampling (no corner alignment, no half-pixel centres): what Keras' UpSampling2D(bilinear) does
    return tf.image.resizeBilinear(y, [y.shape[1] * this.upsample, y.shape[2] * this.upsample]);
  }

  parameters(): Parameter[] {
    return [...this.hidden.parameters(), ...this.out.parameters()];
  }
}
