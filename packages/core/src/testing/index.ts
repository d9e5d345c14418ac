/**
 * @polytask/core/testing — helpers for testing models and extensions: tensor-leak checks, numerical gradients.
 *
 * @module @polytask/core/testing
 */
import * as tf from '@tensorflow/tfjs';
import type { GradientWeighting } from '../weighting/weighting.js';

/** Runs `fn` `times` times and returns how many tensors the process holds more afterwards (after one warm-up). */
export async function tensorGrowth(fn: () => void | Promise<void>, times = 3): Promise<number> {
  await fn();
  const before = tf.memory().numTensors;
  for (let i = 0; i < times; i++) await fn();
  return tf.memory().numTensors - before;
}

/**
 * Central-difference gradient of a scalar function of one variable, element by element (float64 math on
 * the host; keep the variable small). Compare with tf.variableGrads in tests.
 */
export function numericalGradient(f: () => tf.Scalar, variable: tf.Variable, epsilon = 1e-3): Float32Array {
  const base = variable.dataSync().slice() as Float32Array;
  const grad = new Float32Array(base.length);
  const evalAt = (values: Float32Array) => {
    const t = tf.tensor(values, variable.shape);
    variable.assign(t);
    t.dispose();
    const y = tf.tidy(f);
    const v = y.dataSync()[0]!;
    y.dispose();
    return v;
  };
  for (let i = 0; i < base.length; i++) {
    const plus = base.slice();
    plus[i] = base[i]! + epsilon;
    const minus = base.slice();
    minus[i] = base[i]! - epsilon;
    grad[i] = (evalAt(plus) - evalAt(minus)) / (2 * epsilon);
  }
  const t = tf.tensor(base, variable.shape);
  variable.assign(t);
  t.dispose();
  return grad;
}

/** Largest |a − b| / max(1, |b|) over elements. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return worst;
}

export { type TwoTaskOptions, twoTaskProblem } from '../synthetic/two-task.js';

/**
 * A gradient method that sums the task gradients, valid in both gradient modes. Linear, so it must reproduce EW's
 * update exactly and its data-parallel result must equal the full batch's: a reference for JointStep tests.
 */
export const summedGradients: GradientWeighting = {
  name: 'sum',
  kind: 'gradient',
  modes: ['parameters', 'representation'],
  parameters: () => [],
  getState: () => null,
  setState: () => {},
  combineGradients: (g) => ({ direction: tf.sum(g, 0) as tf.Tensor1D, weights: Array.from({ length: g.shape[0] }, () => 1) }),
};
