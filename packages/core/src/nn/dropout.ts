import * as tf from '@tensorflow/tfjs';
import type { ForwardContext } from './module.js';

/** Inverted dropout, active only in training; the mask is seeded from the step so resumed runs replay it. */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext, salt = 0): tf.Tensor {
  if (!ctx.training || rate <= 0) return x;
  return tf.dropout(x, rate, undefined, ctx.seed === undefined ? undefined : ctx.seed + salt);
}
