import type * as tf from '@tensorflow/tfjs';
import type { ForwardContext, Module, Parameter } from '../nn/module.js';
import { Registry } from '../util/registry.js';
import type { Rng } from '../util/rng.js';

/**
 * How parameters are shared between tasks (the "architecture" axis, independent of the weighting axis).
 *
 * The forward pass is split at the shared representation so gradient methods can work on either side:
 * `encode` is everything every task depends on; `branchInput` is what belongs to one branch (one head) alone.
 * A head's input is `branchInput(encode(x), branch)`.
 */
export interface SharingArchitecture extends Module {
  readonly branches: readonly string[];
  /** Per-sample shape of what `branchInput` hands to the branch's head. */
  readonly branchOutputShape: number[];
  encode(features: tf.Tensor, ctx: ForwardContext): tf.Tensor[];
  branchInput(representation: tf.Tensor[], branch: string, ctx: ForwardContext): tf.Tensor;
  sharedParameters(): Parameter[];
  branchParameters(branch: string): Parameter[];
}

export interface ArchitectureBuildContext {
  readonly name: string;
  readonly rng: Rng;
  /** The branches (heads) the architecture feeds, in order. */
  readonly branches: readonly string[];
  /** Per-sample shape of the trunk features. */
  readonly inputShape: number[];
}

export type ArchitectureFactory = (options: Record<string, unknown>, ctx: ArchitectureBuildContext) => SharingArchitecture;

export const architectureRegistry = new Registry<ArchitectureFactory>('architecture');

/**
 * Width of the trunk's features for architectures built from dense layers. They work on flat features ([C]) and,
 * position by position, on per-position features ([T, C] tokens, [H, W, C] pixels): experts, gates and stitches are
 * applied to each position alike (one gate per position). Other dimensions may be -1 (sequences of any length).
 */
export function featureWidth(shape: number[], arch: string): number {
  const width = shape[shape.length - 1];
  if (width === undefined || width <= 0) {
    throw new Error(`${arch} needs trunk features with a known channel width (last dimension); got per-sample shape [${shape.join(', ')}]`);
  }
  return width;
}
