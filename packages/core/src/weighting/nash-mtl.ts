import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import { solveNashBargaining } from './solvers/nash-solver.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const NashMtlOptions = z.strictObject({
  /** Clip the combined shared gradient to this L2 norm (torch clip_grad_norm_); 0 disables. */
  maxNorm: z.number().nonnegative().default(1),
  /** Re-solve for α every k steps, reuse the previous α in between. */
  updateWeightsEvery: z.number().int().positive().default(1),
  /** Maximum solver iterations per update (Newton steps here; CCP rounds in LibMTL), warm-started from the last α. */
  optimNiter: z.number().int().positive().default(20),
});

const NashState = z.object({ step: z.number().int().nonnegative(), alpha: z.array(z.number()).nullable() });

/**
 * Nash-MTL (Navon et al., ICML 2022): α > 0 solving GᵀGα = 1/α (our `gram` = GᵀG), direction Σ α_t g_t, then
 * clipped to ‖·‖ ≤ max_norm like LibMTL's clip_grad_norm_ (factor max_norm/(‖d‖ + 1e-6) when below 1).
 * Reported weights include the clip factor (direction = Σ weights_t g_t); the unclipped α is kept in the state.
 * Modes: parameters only (LibMTL raises for rep_grad).
 */
export function createNashMtl(options: Record<string, unknown>, ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('Nash_MTL', NashMtlOptions, options);
  const T = ctx.tasks.length;
  let step = 0;
  let alpha: number[] | null = null;
  return {
    name: 'Nash_MTL',
    kind: 'gradient',
    modes: ['parameters'],
    parameters: () => [],
    combineGradients(grads) {
      if (alpha === null || step % o.updateWeightsEvery === 0) {
        const G = gramMatrix(grads);
        alpha = solveNashBargaining(G, { init: alpha ?? undefined, maxIterations: o.optimNiter }).alpha;
      }
      step += 1;
      const a = alpha;
      const raw = combineRows(grads, a);
      let scale = 1;
      if (o.maxNorm > 0) {
        const normTensor = tf.norm(raw);
        const norm = normTensor.dataSync()[0]!;
        normTensor.dispose();
        const coef = o.maxNorm / (norm + 1e-6);
        if (coef < 1) scale = coef;
      }
      if (scale === 1) return { direction: raw, weights: [...a] };
      const direction = tf.tidy(() => tf.mul(raw, scale) as tf.Tensor1D);
      raw.dispose();
      return { direction, weights: a.map((x) => x * scale) };
    },
    getState: () => ({ step, alpha: alpha === null ? null : [...alpha] }),
    setState(state) {
      const st = parseState('Nash_MTL', NashState, state);
      if (st.alpha !== null && st.alpha.length !== T)
        throw new Error(`weighting "Nash_MTL": state has ${st.alpha.length} tasks, expected ${T}`);
      step = st.step;
      alpha = st.alpha === null ? null : [...st.alpha];
    },
  };
}
