import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions } from './options.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const PcGradOptions = z.strictObject({});

/**
 * PCGrad (Yu et al., NeurIPS 2020): for each task i, in a random order of j (drawn from ctx.rng), if
 * pc_i·g_j < 0 then pc_i ← pc_i − (pc_i·g_j / ‖g_j‖²) g_j; direction = Σ_i pc_i.
 * Every pc_i stays a linear combination Σ_j C_ij g_j of the original gradients, so the whole procedure runs on the
 * T×T Gram matrix (pc_i·g_j = (C G)_ij) and the direction is one [1,T]×[T,D] product with weights w_j = Σ_i C_ij
 * (the same bookkeeping as LibMTL's batch_weight). As in LibMTL and the reference code, j runs over all tasks
 * including i.
 * Modes: parameters only. LibMTL raises for rep_grad and the paper projects parameter gradients; on the
 * representation the per-sample rows of a batch would be projected jointly as one long vector, which is a different
 * (unvalidated) method, so we do not offer it.
 */
export function createPcGrad(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  parseOptions('PCGrad', PcGradOptions, options);
  return {
    name: 'PCGrad',
    kind: 'gradient',
    modes: ['parameters'],
    ...noState,
    combineGradients(grads, _losses, ctx) {
      const G = gramMatrix(grads);
      const T = G.length;
      const C: number[][] = G.map((_, i) => G.map((__, j) => (i === j ? 1 : 0)));
      for (let i = 0; i < T; i++) {
        const order = ctx.rng.shuffle(Array.from({ length: T }, (_, k) => k));
        const ci = C[i]!;
        for (const j of order) {
          let d = 0;
          for (let k = 0; k < T; k++) d += ci[k]! * G[k]![j]!;
          if (d < 0) ci[j] = ci[j]! - d / (G[j]![j]! + 1e-8);
        }
      }
      const weights = G.map((_, j) => C.reduce((s, row) => s + row[j]!, 0));
      return { direction: combineRows(grads, weights), weights };
    },
  };
}
