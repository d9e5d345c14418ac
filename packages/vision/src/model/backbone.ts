import { Conv2d, type ForwardContext, type Inputs, type Parameter, type Trunk, type TrunkBuildContext, UsageError } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { ConvBnAct, ResidualBlock } from './conv-block.js';

export const BackboneOptions = z.strictObject({
  /** The image input of the batch. */
  input: z.string().default('image'),
  /** Channels of the stem; stage i has width · 2^i. */
  width: z.number().int().positive().default(16),
  /** Residual blocks per stage (one number for every stage, or one per stage). */
  depth: z.union([z.number().int().min(0), z.array(z.number().int().min(0)).min(1)]).default(1),
  /** Stages after the stem, each halving the resolution (outputs at strides 4, 8, 16, ...). */
  stages: z.number().int().min(1).max(5).default(3),
  /** Channels of the FPN neck (and of the features every head reads). */
  neckChannels: z.number().int().positive().default(64),
});
export type BackboneOptions = z.infer<typeof BackboneOptions>;

export interface BackboneStage {
  readonly down: ConvBnAct;
  readonly blocks: ResidualBlock[];
}

/**
 * The shared trunk of the vision tasks: a stride-2 conv + BN stem, stages of a stride-2 conv + BN + ReLU and
 * residual blocks, and an FPN-style neck (1×1 laterals, top-down nearest upsampling and sums, a 3×3 smoothing
 * conv) that hands every head one map at stride 4 with `neckChannels` channels. Images are NHWC.
 */
export class VisionBackbone implements Trunk {
  readonly outputShape: number[];
  readonly input: string;
  readonly stem: ConvBnAct;
  readonly stages: BackboneStage[];
  readonly laterals: Conv2d[];
  readonly smooth: ConvBnAct;

  constructor(options: BackboneOptions, ctx: TrunkBuildContext) {
    const spec = ctx.data.inputs[options.input];
    if (spec?.shape.length !== 3) {
      throw new UsageError(`trunk "vision-backbone": input "${options.input}" must be an [H, W, 3] image input`);
    }
    const [h, w, c] = spec!.shape as [number, number, number];
    const stride = 2 ** (options.stages + 1);
    if (h % stride !== 0 || w % stride !== 0) {
      throw new UsageError(
        `trunk "vision-backbone": the image size ${h}×${w} must be a multiple of ${stride} for ${options.stages} stages`,
      );
    }
    this.input = options.input;
    const name = ctx.name;
    const rng = ctx.rng;
    const depth = (i: number) =>
      Array.isArray(options.depth) ? (options.depth[i] ?? options.depth[options.depth.length - 1]!) : options.depth;
    this.stem = new ConvBnAct(`${name}/stem`, c, options.width, rng, { stride: 2 });
    const channels = Array.from({ length: options.stages }, (_, i) => options.width * 2 ** i);
    this.stages = channels.map((ch, i) => ({
      down: new ConvBnAct(`${name}/stage_${i}/down`, i === 0 ? options.width : channels[i - 1]!, ch, rng, { stride: 2 }),
      blocks: Array.from({ length: depth(i) }, (_, b) => new ResidualBlock(`${name}/stage_${i}/block_${b}`, ch, rng)),
    }));
    this.laterals = channels.map((ch, i) => new Conv2d(`${name}/neck/lateral_${i}`, ch, options.neckChannels, rng, { kernelSize: 1 }));
    this.smooth = new ConvBnAct(`${name}/neck/smooth`, options.neckChannels, options.neckChannels, rng);
    this.outputShape = [h / 4, w / 4, options.neckChannels];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    const image = inputs[this.input];
    if (!image) throw new Error(`trunk "vision-backbone": the batch has no input "${this.input}"`);
    let x = this.stem.apply(image as tf.Tensor4D, ctx);
    const features: tf.Tensor4D[] = [];
    for (const stage of this.stages) {
      x = stage.down.apply(x, ctx);
      for (const block of stage.blocks) x = block.apply(x, ctx);
      features.push(x);
    }
    let top = this.laterals[features.length - 1]!.apply(features[features.length - 1]!);
    for (let i = features.length - 2; i >= 0; i--) {
      const up = tf.image.resizeNearestNeighbor(top, [top.shape[1] * 2, top.shape[2] * 2]);
      top = tf.add(up, this.laterals[i]!.apply(features[i]!));
    }
    return this.smooth.apply(top, ctx);
  }

  parameters(): Parameter[] {
    return [
      ...this.stem.parameters(),
      ...this.stages.flatMap((s) => [...s.down.parameters(), ...s.blocks.flatMap((b) => b.parameters())]),
      ...this.laterals.flatMap((l) => l.parameters()),
      ...this.smooth.parameters(),
    ];
  }
}
