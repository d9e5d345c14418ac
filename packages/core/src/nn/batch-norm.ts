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
    return this.trainingForward(x, gamma, beta);
  }

  /**
   * Training-mode batch norm as one differentiable op with the closed-form backward. Autodiff through tf.moments and
   * tf.batchNorm records ~20 full-size ops per layer; this backward takes 8 passes over the activations:
   *   x̂ = (x − μ)·r, r = 1/√(σ² + ε), y = γ·x̂ + β;  over the n values of each channel:
   *   dβ = Σ dy,  dγ = Σ dy·x̂ = r·Σ dy·(x − μ),
   *   dx = γr·(dy − dβ/n − x̂·dγ/n) = dy·k − (x − μ)·c − k·dβ/n,  k = γr, c = k·r·dγ/n.
   * The running statistics are updated from the same batch moments, outside the gradient path.
   */
  private readonly trainingForward = tf.customGrad(((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
    const axes = x.shape.map((_, i) => i).slice(0, -1);
    const { mean, variance } = tf.moments(x, axes);
    tf.tidy(() => {
      const m = this.momentum;
      this.movingMean.variable.assign(tf.add(tf.mul(this.movingMean.variable, m), tf.mul(mean, 1 - m)));
      this.movingVariance.variable.assign(tf.add(tf.mul(this.movingVariance.variable, m), tf.mul(variance, 1 - m)));
    });
    const rstd = tf.rsqrt(tf.add(variance, this.epsilon));
    save([x, mean, rstd, gamma]);
    return {
      value: tf.batchNorm(x, mean, variance, beta, gamma, this.epsilon),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [xs, mu, r, g] = saved as [tf.Tensor, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const n = xs.size / this.channels;
        const centered = tf.sub(xs, mu); // centred first: Σ dy·x − μ·Σ dy cancels badly when |μ| ≫ σ
        const dBeta = tf.sum(dy, axes);
        const dGamma = tf.mul(r, tf.sum(tf.mul(dy, centered), axes));
        const k = tf.mul(g, r);
        const c = tf.mul(k, tf.mul(r, tf.div(dGamma, n)));
        const dx = tf.sub(tf.sub(tf.mul(dy, k), tf.mul(centered, c)), tf.mul(k, tf.div(dBeta, n)));
        return [dx, dGamma, dBeta];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;

  parameters(): Parameter[] {
    return [this.gamma, this.beta, this.movingMean, this.movingVariance];
  }
}
