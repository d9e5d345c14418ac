import type * as tf from '@tensorflow/tfjs';

/**
 * The seam between per-task losses/gradients and their combination. On one process it is the identity;
 * data-parallel training swaps in an all-reduce (mean over ranks) with the same calls in the same order.
 */
export interface Reducer {
  readonly rank: number;
  readonly size: number;
  /** Mean over ranks of per-task loss values. */
  reduceLosses(losses: number[]): number[];
  /** Mean over ranks of a gradient tensor (per-task [T, D] matrix or a flat [D] vector). Returns a new tensor. */
  reduceGradients<T extends tf.Tensor>(grads: T): T;
}

export const localReducer: Reducer = {
  rank: 0,
  size: 1,
  reduceLosses: (losses) => losses,
  reduceGradients: (grads) => grads.clone(),
};
