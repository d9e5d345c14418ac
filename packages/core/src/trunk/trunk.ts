import type * as tf from '@tensorflow/tfjs';
import type { ForwardContext, Module } from '../nn/module.js';
import { Registry } from '../util/registry.js';
import type { Rng } from '../util/rng.js';

/** Named input tensors of one batch (`ids`, `dense`, `tokens`, `image`, ...). */
export type Inputs = Record<string, tf.Tensor>;

/**
 * The shared encoder every task reads from. Domain packages implement it for their encoders (text BiLSTM,
 * conv backbones); core ships an MLP and a sparse-embedding trunk.
 */
export interface Trunk extends Module {
  /** Per-sample shape of the features it produces ([units] for flat features). */
  readonly outputShape: number[];
  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor;
}

/** One input of a batch: per-sample shape, dtype and, for categorical ids, how many ids each field has. */
export interface InputSpec {
  shape: number[];
  dtype: 'float32' | 'int32';
  /** Categorical inputs: the number of ids of each field (the first per-sample dimension, or 1 for a scalar). */
  vocabSizes?: number[];
}

/** What a trunk factory knows about the data: input shapes plus facts fitted on it (vocabulary sizes, ...). */
export interface DataSpec {
  inputs: Record<string, InputSpec>;
  meta?: Record<string, unknown>;
}

export interface TrunkBuildContext {
  readonly name: string;
  readonly rng: Rng;
  readonly data: DataSpec;
}

export type TrunkFactory = (options: Record<string, unknown>, ctx: TrunkBuildContext) => Trunk;

export const trunkRegistry = new Registry<TrunkFactory>('trunk');
