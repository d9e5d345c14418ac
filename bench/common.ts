import { Optimizer, OptimizerConfig, type Parameter } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';

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

/** Builds a hand-wired workload's step: loss → variableGrads → core's Adam (the references' optimizer), in tf.tidy. */
export function trainingStep(params: Parameter[], lr: number, loss: () => tf.Scalar): Workload {
  const trainable = params.filter((p) => p.trainable);
  const vars = trainable.map((p) => p.variable);
  const adam = new Optimizer(trainable, OptimizerConfig.parse({ name: 'adam', lr }));
  return {
    loss,
    parameters: params,
    step() {
      return tf.tidy(() => {
        const { value, grads } = tf.variableGrads(loss, vars);
        adam.apply(
          vars.map((v) => grads[v.name]),
          lr,
        );
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
