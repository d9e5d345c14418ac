import * as tf from '@tensorflow/tfjs';
import type { Reducer } from './reducer.js';

/**
 * The collectives data-parallel training needs, over one communicator of `size` ranks. Every rank calls them in the
 * same order with the same lengths (lengths may differ in `allgather`). `@polytask/mpi` implements it over MPI; the
 * calls block until every rank has joined (the training step is synchronous).
 */
export interface Collective {
  readonly rank: number;
  readonly size: number;
  /** Element-wise sum over ranks, in place. */
  allreduceSum<T extends Float32Array | Float64Array>(values: T): T;
  /** Every rank's vector, concatenated in rank order. */
  allgather(values: Float32Array): Float32Array;
  /** `root`'s values into every rank's array (same length everywhere), in place. */
  broadcast<T extends Float32Array | Float64Array | Int32Array | Uint8Array>(values: T, root: number): T;
}

/** The Reducer of data-parallel training: means over ranks by all-reduce (sums in float64 for the losses). */
export function collectiveReducer(collective: Collective): Reducer {
  const { rank, size } = collective;
  return {
    rank,
    size,
    reduceLosses: (losses) => Array.from(collective.allreduceSum(Float64Array.from(losses)), (v) => v / size),
    reduceGradients: <T extends tf.Tensor>(grads: T): T => {
      const values = collective.allreduceSum(Float32Array.from(grads.dataSync()));
      for (let i = 0; i < values.length; i++) values[i]! /= size;
      return tf.tensor(values, grads.shape, 'float32') as T;
    },
  };
}
