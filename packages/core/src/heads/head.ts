import type * as tf from '@tensorflow/tfjs';
import type { ForwardContext, Module } from '../nn/module.js';
import { Registry } from '../util/registry.js';
import type { Rng } from '../util/rng.js';

/** A task-specific output network: features from the architecture → logits. */
export interface Head extends Module {
  apply(features: tf.Tensor, ctx: ForwardContext): tf.Tensor;
}

export interface HeadBuildContext {
  readonly name: string;
  readonly rng: Rng;
  /** Per-sample shape of the features the head receives. */
  readonly inputShape: number[];
  /** Width of the logits (1 for a binary task, C for C classes). */
  readonly outputUnits: number;
}

export type HeadFactory = (options: Record<string, unknown>, ctx: HeadBuildContext) => Head;

export const headRegistry = new Registry<HeadFactory>('head');
