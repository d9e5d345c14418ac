import type * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../nn/module.js';
import { Registry } from '../util/registry.js';
import type { Rng } from '../util/rng.js';

/**
 * Where per-task gradients are taken for gradient methods:
 * - 'parameters': of the shared parameters (exact; one backward through the whole model per task);
 * - 'representation': of the shared representation (per-task backward through the heads only, then one
 *   backward through the trunk with the combined gradient).
 */
export type GradientMode = 'parameters' | 'representation';

export interface WeightingContext {
  /** Global optimisation step (0-based) and epoch. */
  readonly step: number;
  readonly epoch: number;
  /** Supervised task names, in the order of every per-task array. */
  readonly tasks: readonly string[];
  /** Seeded generator shared by all ranks (stochastic methods draw from it, so ranks agree). */
  readonly rng: Rng;
  /**
   * Representation mode only: the shared representation tensors (batch first) whose gradients are the columns of
   * the gradient matrix, each flattened, in this order (GradDrop's sign correction reads them).
   */
  readonly representation?: readonly tf.Tensor[];
  /**
   * Parameter mode only: the shared parameters whose gradients are the columns of the gradient matrix, in order
   * (name and element count), for methods that work per layer or per tensor (GradVac's groups).
   */
  readonly segments?: readonly { readonly name: string; readonly size: number }[];
}

export interface LossCombination {
  /** Differentiable scalar the optimizer minimises. */
  readonly total: tf.Scalar;
  /** The task weights it used (logged every step). */
  readonly weights: number[];
}

export interface GradientCombination {
  /** Combined update direction for the shared part, [D] (descent follows −direction, like a gradient). */
  readonly direction: tf.Tensor1D;
  readonly weights: number[];
}

interface WeightingBase {
  readonly name: string;
  /** Trainable variables the method owns (UW's log-variances); the model's optimizer updates them. */
  parameters(): Parameter[];
  /** Called once per epoch with the epoch's mean training loss of each task (DWA). */
  onEpochEnd?(epoch: number, meanLosses: number[]): void;
  /**
   * Called after the update with the losses before it and a function that evaluates the losses of the same
   * batch after it (FAMO). Only methods that define it pay for the extra forward pass.
   */
  afterStep?(ctx: WeightingContext, lossesBefore: number[], lossesAfter: () => number[]): void;
  /** Serializable state for checkpoints (JSON). */
  getState(): unknown;
  setState(state: unknown): void;
  /** Frees the tensors and variables the method owns (UW/IMTL variables, DB-MTL gradient buffer). Optional. */
  dispose?(): void;
}

/** Loss-level method: one differentiable combination of the task losses, one backward pass. */
export interface LossWeighting extends WeightingBase {
  readonly kind: 'loss';
  combineLosses(losses: tf.Scalar[], ctx: WeightingContext): LossCombination;
}

/** Gradient-level method: combines per-task gradients of the shared part. */
export interface GradientWeighting extends WeightingBase {
  readonly kind: 'gradient';
  /** Gradient modes the method is valid in; the first is the default. */
  readonly modes: readonly GradientMode[];
  /**
   * Differentiable per-task transform applied before gradients are taken (IMTL-L scales, log losses).
   * Must be elementwise: entry t of the result depends on losses[t] only (per-task passes fill the rest).
   */
  transformLosses?(losses: tf.Scalar[], ctx: WeightingContext): tf.Scalar[];
  /**
   * grads: [T, D], row t = gradient of task t's (transformed) loss w.r.t. the shared parameters or the shared
   * representation, in the flat layout order. losses: the raw loss values.
   */
  combineGradients(grads: tf.Tensor2D, losses: number[], ctx: WeightingContext): GradientCombination;
}

export type Weighting = LossWeighting | GradientWeighting;

export interface WeightingBuildContext {
  readonly tasks: readonly string[];
  /** Seed for methods that initialise randomly. */
  readonly seed: number;
}

export type WeightingFactory = (options: Record<string, unknown>, ctx: WeightingBuildContext) => Weighting;

export const weightingRegistry = new Registry<WeightingFactory>('weighting');

/** Stateless-by-default helpers for methods that keep no state. */
export const noState = {
  parameters: (): Parameter[] => [],
  getState: (): unknown => null,
  setState: (_state: unknown): void => {},
};
