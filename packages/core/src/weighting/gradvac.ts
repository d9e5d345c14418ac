import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const GradVacOptions = z.strictObject({
  /** EMA rate of the target cosines ρ̂_ij (LibMTL `GradVac_beta`). */
  beta: z.number().min(0).max(1).default(0.5),
  /** LibMTL `GradVac_group_type`: only 0 (whole shared part as one group) — the flat [T, D] rows carry no layer boundaries. */
  groupType: z.literal(0).default(0),
});

const GradVacState = z.object({ rho: z.array(z.array(z.number())) });

/**
 * Gradient Vaccine (Wang et al., ICLR 2021): like PCGrad, but for each ordered pair (i, j), j ≠ i in a random order
 * (ctx.rng), if the current cosine ρ_ij = cos(pc_i, g_j) is below the EMA target ρ̂_ij, add
 *   pc_i += g_j · ‖pc_i‖(ρ̂√(1−ρ²) − ρ√(1−ρ̂²)) / (‖g_j‖√(1−ρ̂²)),
 * which sets the cosine to ρ̂; then ρ̂_ij ← (1−β)ρ̂_ij + βρ_ij. ρ̂ starts at 0 (so, at first, only conflicting
 * pairs are touched). Runs on the Gram matrix like PCGrad. Modes: parameters only (LibMTL raises for rep_grad;
 * the paper aligns parameter gradients). State: ρ̂ (T×T).
 */
export function createGradVac(options: Record<string, unknown>, ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('GradVac', GradVacOptions, options, { GradVac_beta: 'beta', GradVac_group_type: 'groupType' });
  const T = ctx.tasks.length;
  let rho = Array.from({ length: T }, () => new Array<number>(T).fill(0));
  return {
    name: 'GradVac',
    kind: 'gradient',
    modes: ['parameters'],
    parameters: () => [],
    combineGradients(grads, _losses, c) {
      const G = gramMatrix(grads);
      const n = G.length;
      const C: number[][] = G.map((_, i) => G.map((__, j) => (i === j ? 1 : 0)));
      const gNorm = G.map((row, j) => Math.sqrt(Math.max(0, row[j]!)));
      for (let i = 0; i < n; i++) {
        const ci = C[i]!;
        const order = c.rng.shuffle(Array.from({ length: n }, (_, k) => k).filter((k) => k !== i));
        for (const j of order) {
          // pc_i·g_j and ‖pc_i‖ from the Gram matrix.
          let d = 0;
          let sq = 0;
          for (let k = 0; k < n; k++) {
            d += ci[k]! * G[k]![j]!;
            let row = 0;
            for (let l = 0; l < n; l++) row += G[k]![l]! * ci[l]!;
            sq += ci[k]! * row;
          }
          const pcNorm = Math.sqrt(Math.max(0, sq));
          const r = d / (pcNorm * gNorm[j]! + 1e-8);
          const target = rho[i]![j]!;
          if (r < target) {
            const w =
              (pcNorm * (target * Math.sqrt(Math.max(0, 1 - r * r)) - r * Math.sqrt(Math.max(0, 1 - target * target)))) /
              (gNorm[j]! * Math.sqrt(Math.max(0, 1 - target * target)) + 1e-8);
            ci[j] = ci[j]! + w;
          }
          rho[i]![j] = (1 - o.beta) * target + o.beta * r;
        }
      }
      const weights = G.map((_, j) => C.reduce((s, row) => s + row[j]!, 0));
      return { direction: combineRows(grads, weights), weights };
    },
    getState: () => ({ rho: rho.map((r) => [...r]) }),
    setState(state) {
      const st = parseState('GradVac', GradVacState, state);
      if (st.rho.length !== T) throw new Error(`weighting "GradVac": state has ${st.rho.length} tasks, expected ${T}`);
      rho = st.rho.map((r) => [...r]);
    },
  };
}
