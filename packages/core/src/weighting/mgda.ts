import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions } from './options.js';
import { minNormPoint } from './solvers/min-norm.js';
import { type GradientMode, type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const MgdaOptions = z.strictObject({
  /** Gradient normalisation before the min-norm problem (LibMTL `mgda_gn`). */
  normalization: z.enum(['none', 'l2', 'loss', 'loss+']).default('none'),
});

/**
 * MGDA (Sener & Koltun, NeurIPS 2018): the min-norm point of the convex hull of the (normalised) task gradients,
 * λ* = argmin_{λ∈Δ} ‖Σ λ_t ĝ_t‖², ĝ_t = g_t / n_t with n_t = 1 | ‖g_t‖ | L_t | L_t‖g_t‖. Direction Σ λ_t ĝ_t, so the
 * reported weights on the raw gradients are λ_t / n_t. Valid on the parameters and on the representation; restricted
 * to the representation it is MGDA-UB (the paper's upper-bound variant: one backward through the trunk).
 */
export function createMgda(
  options: Record<string, unknown>,
  _ctx: WeightingBuildContext,
  variant: { name: string; modes: readonly GradientMode[] } = { name: 'MGDA', modes: ['parameters', 'representation'] },
): GradientWeighting {
  const o = parseOptions(variant.name, MgdaOptions, options, { mgda_gn: 'normalization', gn: 'normalization' });
  return {
    name: variant.name,
    kind: 'gradient',
    modes: variant.modes,
    ...noState,
    combineGradients(grads, losses) {
      const G = gramMatrix(grads);
      const norms = G.map((row, i) => Math.sqrt(Math.max(0, row[i]!)));
      const n = norms.map((gn, i) => {
        const l = losses[i] ?? 1;
        const v = o.normalization === 'l2' ? gn : o.normalization === 'loss' ? l : o.normalization === 'loss+' ? l * gn : 1;
        return v > 1e-12 ? v : 1;
      });
      const Gn = G.map((row, i) => row.map((g, j) => g / (n[i]! * n[j]!)));
      const { weights: lambda } = minNormPoint(Gn);
      const weights = lambda.map((l, i) => l / n[i]!);
      return { direction: combineRows(grads, weights), weights };
    },
  };
}

export function createMgdaUb(options: Record<string, unknown>, ctx: WeightingBuildContext): GradientWeighting {
  return createMgda(options, ctx, { name: 'MGDA-UB', modes: ['representation'] });
}
