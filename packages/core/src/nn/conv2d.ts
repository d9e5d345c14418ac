import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { glorotUniform } from './init.js';
import { createParameter, type ForwardContext, type Module, type Parameter } from './module.js';

export interface Conv2dOptions {
  /** Square kernel size (default 3). */
  kernelSize?: number;
  stride?: number;
  /** 'same', 'valid', or a symmetric zero padding in pixels (PyTorch's `padding=p`). Default 'same'. */
  padding?: 'same' | 'valid' | number;
  dilation?: number;
  useBias?: boolean;
  activation?: 'linear' | 'relu';
}

/** 2-D convolution on NHWC tensors with Keras' weight layout (kernel [kh, kw, in, out], bias [out]). */
export class Conv2d implements Module {
  readonly kernel: Parameter;
  readonly bias: Parameter | undefined;
  readonly kernelSize: number;
  readonly stride: number;
  readonly dilation: number;
  readonly activation: 'linear' | 'relu';
  private readonly pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

  constructor(
    readonly name: string,
    readonly inChannels: number,
    readonly outChannels: number,
    rng: Rng,
    options: Conv2dOptions = {},
  ) {
    this.kernelSize = options.kernelSize ?? 3;
    this.stride = options.stride ?? 1;
    this.dilation = options.dilation ?? 1;
    this.activation = options.activation ?? 'linear';
    const p = options.padding ?? 'same';
    this.pad =
      typeof p === 'number'
        ? [
            [0, 0],
            [p, p],
            [p, p],
            [0, 0],
          ]
        : p;
    const k = this.kernelSize;
    this.kernel = createParameter(
      `${name}/kernel`,
      glorotUniform([k, k, inChannels, outChannels], k * k * inChannels, k * k * outChannels, rng),
    );
    this.bias = options.useBias === false ? undefined : createParameter(`${name}/bias`, tf.zeros([outChannels]));
  }

  /** x: [B, H, W, in] → [B, H', W', out]. */
  apply(x: tf.Tensor4D, _ctx?: ForwardContext): tf.Tensor4D {
    const w = this.kernel.variable as tf.Tensor4D;
    if (!this.bias && this.activation === 'linear') {
      return tf.conv2d(x, w, this.stride, this.pad, 'NHWC', this.dilation);
    }
    return tf.fused.conv2d({
      x,
      filter: w,
      strides: this.stride,
      pad: this.pad,
      dilations: this.dilation,
      bias: this.bias?.variable,
      activation: this.activation,
    });
  }

  parameters(): Parameter[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }

  /** 'same', 'valid', or the symmetric zero padding in pixels (for the Keras export). */
  get padding(): 'same' | 'valid' | number {
    return typeof this.pad === 'string' ? this.pad : this.pad[1]![0];
  }
}
