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

/** Flat feature width, for architectures built from MLP experts. */
export function flatWidth(shape: number[], arch: string): number {
  if (shape.length !== 1) {
    throw new Error(`${arch} needs flat trunk features ([units]); got per-sample shape [${shape.join(', ')}]`);
  }
  return shape[0]!;
}
