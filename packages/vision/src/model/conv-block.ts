import { BatchNorm, Conv2d, type ForwardContext, type Module, type Parameter, type Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';

/** conv (no bias: batch norm follows) → BatchNorm → optional ReLU; 3×3 kernels pad 1 on each side (PyTorch's padding=1). */
export class ConvBnAct implements Module {
  readonly conv: Conv2d;
  readonly bn: BatchNorm;

  constructor(
    name: string,
    inChannels: number,
    outChannels: number,
    rng: Rng,
    options: { kernelSize?: number; stride?: number; relu?: boolean } = {},
    readonly relu = options.relu ?? true,
  ) {
    const k = options.kernelSize ?? 3;
    this.conv = new Conv2d(`${name}/conv`, inChannels, outChannels, rng, {
      kernelSize: k,
      stride: options.stride ?? 1,
      padding: (k - 1) / 2,
      useBias: false,
    });
    this.bn = new BatchNorm(`${name}/bn`, outChannels);
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    const y = this.conv.apply(x);
    return (this.relu ? this.bn.applyRelu(y, ctx) : this.bn.apply(y, ctx)) as tf.Tensor4D;
  }

  parameters(): Parameter[] {
    return [...this.conv.parameters(), ...this.bn.parameters()];
  }
}

/** A ResNet basic block: two 3×3 conv + BN, the input added back before the last ReLU. */
export class ResidualBlock implements Module {
  readonly first: ConvBnAct;
  readonly second: ConvBnAct;

  constructor(name: string, channels: number, rng: Rng) {
    this.first = new ConvBnAct(`${name}/conv_0`, channels, channels, rng);
    this.second = new ConvBnAct(`${name}/conv_1`, channels, channels, rng, { relu: false });
  }

  apply(x: tf.Tensor4D, ctx: ForwardContext): tf.Tensor4D {
    return tf.relu(tf.add(this.second.apply(this.first.apply(x, ctx), ctx), x)) as tf.Tensor4D;
  }

  parameters(): Parameter[] {
    return [...this.first.parameters(), ...this.second.parameters()];
  }
}
