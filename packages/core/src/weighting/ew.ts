import * as tf from '@tensorflow/tfjs';
import { type LossWeighting, noState, type WeightingBuildContext } from './weighting.js';

/** Equal weighting: L = Σ_t L_t (LibMTL's EW). */
export function createEw(_options: Record<string, unknown>, _ctx: WeightingBuildContext): LossWeighting {
  return {
    name: 'EW',
    kind: 'loss',
    ...noState,
    combineLosses: (losses) => ({ total: tf.addN(losses) as tf.Scalar, weights: losses.map(() => 1) }),
  };
}
