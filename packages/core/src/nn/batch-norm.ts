import * as tf from '@tensorflow/tfjs';
import { createParameter, type ForwardContext, type Module, type Parameter } from './module.js';

export interface BatchNormOptions {
  momentum?: number;
  epsilon?: number;
}

/**
 * Batch normalisation over the last (channel) axis. Training normalises with the batch statistics (gradient through
 * them) and updates the running mean/variance (non-trainable parameters); inference uses the running ones.
 */
export class BatchNorm implements Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly movingMean: Parameter;
  readonly movingVariance: Parameter;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(
    readonly name: string,
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    this.momentum = options.momentum ?? 0.9;
    this.epsilon = options.epsilon ?? 1e-5;
    this.gamma = createParameter(`${name}/gamma`, tf.ones([channels]));
    this.beta = createParameter(`${name}/beta`, tf.zeros([channels]));
    this.movingMean = createParameter(`${name}/moving_mean`, tf.zeros([channels]), false);
    this.movingVariance = createParameter(`${name}/moving_variance`, tf.ones([channels]), false);
  }

  apply(x: tf.Tensor, ctx: ForwardContext = { training: false }): tf.Tensor {
    const gamma = this.gamma.variable;
    const beta = this.beta.variable;
    if (!ctx.training) {
      return tf.batchNorm(x, this.movingMean.variable, this.movingVariance.variable, beta, gamma, this.epsilon);
    }
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(x, axes);
    // Running statistics: not on the gradient path (their ops never reach the loss).
    tf.tidy(() => {
      const m = this.momentum;
      this.movingMean.variable.assign(tf.add(tf.mul(this.movingMean.variable, m), tf.mul(mean, 1 - m)));
      this.movingVariance.variable.assign(tf.add(tf.mul(this.movingVariance.variable, m), tf.mul(variance, 1 - m)));
    });
    return tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon);
  }

  parameters(): Parameter[] {
    return [this.gamma, this.beta, this.movingMean, this.movingVariance];
  }
}
