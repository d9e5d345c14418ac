import * as tf from '@tensorflow/tfjs';
import { BATCH_NORM_TRAIN, BATCH_NORM_TRAIN_GRAD } from '../backend/blas-kernels.js';
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
    if (this.nativeKernels(x)) return this.nativeTrainingForward(x, gamma, beta);
    return this.trainingForward(x, gamma, beta);
  }

  /**
   * relu(apply(x, ctx)). Training on the native kernels runs it as one fused op each way (oneDNN's batch norm with
   * ReLU): the separate ReLU and its gradient (step, cast, product) were four more passes over the activations.
   */
  applyRelu(x: tf.Tensor, ctx: ForwardContext = { training: false }): tf.Tensor {
    if (ctx.training && this.nativeKernels(x)) return this.nativeTrainingForwardRelu(x, this.gamma.variable, this.beta.variable);
    return tf.relu(this.apply(x, ctx));
  }

  private nativeKernels(x: tf.Tensor): boolean {
    return x.dtype === 'float32' && x.size > 0 && tf.getKernel(BATCH_NORM_TRAIN, tf.getBackend()) !== undefined;
  }

  /** Running statistics ← momentum·running + (1 − momentum)·batch (outside the gradient path). */
  private updateRunningStats(mean: tf.Tensor, variance: tf.Tensor): void {
    tf.tidy(() => {
      const m = this.momentum;
      this.movingMean.variable.assign(tf.add(tf.mul(this.movingMean.variable, m), tf.mul(mean, 1 - m)));
      this.movingVariance.variable.assign(tf.add(tf.mul(this.movingVariance.variable, m), tf.mul(variance, 1 - m)));
    });
  }

  /**
   * The same op on the native kernels (oneDNN's batch normalisation forward/backward, registered by the backend
   * setup when the addon has them): one multi-threaded primitive each way instead of the passes below. With `relu`
   * the forward also returns the workspace the fused gradient reads.
   */
  private nativeOp(relu: boolean) {
    return tf.customGrad(((x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, save: tf.GradSaveFunc) => {
      const outs = tf.engine().runKernel(BATCH_NORM_TRAIN, { x, gamma, beta }, { epsilon: this.epsilon, relu }) as tf.Tensor[];
      const [y, mean, variance, workspace] = outs as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
      this.updateRunningStats(mean, variance);
      save(workspace ? [x, gamma, mean, variance, workspace] : [x, gamma, mean, variance]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, g, mu, v, ws] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor | undefined];
          const inputs = { x: xs, dy: tf.cast(dy, 'float32'), gamma: g, mean: mu, variance: v, ...(ws ? { workspace: ws } : {}) };
          return tf.engine().runKernel(BATCH_NORM_TRAIN_GRAD, inputs, { epsilon: this.epsilon }) as tf.Tensor[];
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor) => tf.Tensor;
  }

  private readonly nativeTrainingForward = this.nativeOp(false);
  private readonly nativeTrainingForwardRelu = this.nativeOp(true);

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
    this.updateRunningStats(mean, variance);
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
