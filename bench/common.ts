import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../packages/core/src/nn/module.js';

/** A benchmark workload: one training step (forward, summed losses, gradients, Adam) and cleanup. */
export interface Workload {
  /** Runs one training step; returns the loss. */
  step(): number;
  /** The summed loss on the workload's fixed batch (gradient checks differentiate it). */
  loss(): tf.Scalar;
  /** Every parameter of the model, trainable or not. */
  readonly parameters: readonly Parameter[];
  dispose(): void;
}

export interface AdamConfig {
  lr: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Minimal Adam (PyTorch defaults: β1 0.9, β2 0.999, ε 1e-8) over tf.Variables, as the reference uses. */
export class Adam {
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private t = 0;
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(
    private readonly vars: tf.Variable[],
    private readonly cfg: AdamConfig,
  ) {
    this.b1 = cfg.beta1 ?? 0.9;
    this.b2 = cfg.beta2 ?? 0.999;
    this.eps = cfg.epsilon ?? 1e-8;
    this.m = vars.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = vars.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  /** One update; grads keyed by variable name (tf.variableGrads' output). */
  apply(grads: tf.NamedTensorMap): void {
    this.t++;
    const lrT = (this.cfg.lr * Math.sqrt(1 - this.b2 ** this.t)) / (1 - this.b1 ** this.t);
    tf.tidy(() => {
      this.vars.forEach((x, k) => {
        const g = grads[x.name];
        if (!g) return;
        const m = this.m[k]!;
        const v = this.v[k]!;
        m.assign(tf.add(tf.mul(m, this.b1), tf.mul(g, 1 - this.b1)));
        v.assign(tf.add(tf.mul(v, this.b2), tf.mul(tf.square(g), 1 - this.b2)));
        x.assign(tf.sub(x, tf.div(tf.mul(m, lrT), tf.add(tf.sqrt(v), this.eps))));
      });
    });
  }

  dispose(): void {
    for (const x of [...this.m, ...this.v]) x.dispose();
  }
}

/** Builds the step function shared by all workloads: loss → variableGrads → Adam, all inside tf.tidy. */
export function trainingStep(params: Parameter[], lr: number, loss: () => tf.Scalar): Workload {
  const vars = params.filter((p) => p.trainable).map((p) => p.variable);
  const adam = new Adam(vars, { lr });
  return {
    loss,
    parameters: params,
    step() {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, vars);
        adam.apply(grads);
        return value.dataSync()[0]!;
      });
    },
    dispose() {
      adam.dispose();
      for (const p of params) p.variable.dispose();
    },
  };
}

/** Median of step times (the figure every benchmark reports). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
