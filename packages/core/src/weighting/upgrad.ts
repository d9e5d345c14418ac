import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions } from './options.js';
import { projectOntoDualCone } from './solvers/dual-cone-qp.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const UpGradOptions = z.strictObject({
  /** If trace(G) < norm_eps the Gram is treated as zero (weights = preference = mean). */
  normEps: z.number().nonnegative().default(1e-4),
  /** Ridge added to the trace-normalised Gram so the QPs are strictly convex. */
  regEps: z.number().nonnegative().default(1e-4),
});

/**
 * UPGrad (Quinton & Rey 2024; torchjd, LibMTL): Ĝ = G/trace(G) + reg_eps·I; for each task i solve
 * v⁽ⁱ⁾ = argmin_{v ≥ e_i/T} vᵀĜv (the projection of g_i/T onto the dual cone of the task gradients; exact active-set
 * QP), weights w = Σ_i v⁽ⁱ⁾, direction Σ w_t g_t (mean-scaled, like torchjd's default Mean preference).
 * The result has a non-negative inner product with every task gradient (exactly with reg_eps = 0; up to
 * O(reg_eps·trace G·w) otherwise). Modes: parameters only (LibMTL raises for rep_grad).
 */
export function createUpGrad(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('UPGrad', UpGradOptions, options, { UPGrad_norm_eps: 'normEps', UPGrad_reg_eps: 'regEps' });
  return {
    name: 'UPGrad',
    kind: 'gradient',
    modes: ['parameters'],
    ...noState,
    combineGradients(grads) {
      const weights = upgradWeights(gramMatrix(grads), o.normEps, o.regEps);
      return { direction: combineRows(grads, weights), weights };
    },
  };
}

export function upgradWeights(gram: readonly (readonly number[])[], normEps = 1e-4, regEps = 1e-4): number[] {
  const T = gram.length;
  const trace = gram.reduce((s, row, i) => s + row[i]!, 0);
  const G = gram.map((row, i) => row.map((g, j) => (trace < normEps ? 0 : g / trace) + (i === j ? regEps : 0)));
  const weights = new Array<number>(T).fill(0);
  for (let i = 0; i < T; i++) {
    const u = new Array<number>(T).fill(0);
    u[i] = 1 / T;
    const { weights: v } = projectOntoDualCone(G, u);
    for (let j = 0; j < T; j++) weights[j] = weights[j]! + v[j]!;
  }
  return weights;
}
