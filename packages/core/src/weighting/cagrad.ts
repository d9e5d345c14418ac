import { z } from 'zod';
import { combineRows, dot, gramMatrix, matVec } from './grad-utils.js';
import { parseOptions } from './options.js';
import { minimizeOnSimplex } from './solvers/simplex-minimize.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const CaGradOptions = z.strictObject({
  /** Radius factor c of the trust ball around the mean gradient (LibMTL `calpha`). */
  c: z.number().nonnegative().default(0.5),
  /** 0: none, 1: divide by 1 + c², 2: divide by 1 + c (LibMTL `rescale`). */
  rescale: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(1),
});

/**
 * Conflict-Averse Gradient descent (Liu et al., NeurIPS 2021), as in LibMTL:
 *   G = Gram, g₀ = mean gradient, ‖g₀‖ = √(mean G), φ = c‖g₀‖,
 *   w* = argmin_{w∈Δ} wᵀG(1/T) + φ √(wᵀGw)   (LibMTL: scipy SLSQP; here projected gradient with backtracking),
 *   g_w = Σ w*_t g_t, d = g₀ + (φ/‖g_w‖) g_w, then d / (1 + c²) (rescale 1) or d / (1 + c) (rescale 2).
 * With c = 0 this is exactly the mean gradient. Direction is mean-scaled (weights sum to 1 for c = 0).
 * Modes: parameters only (LibMTL raises for rep_grad; the paper's guarantee is for the shared parameters).
 */
export function createCaGrad(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('CAGrad', CaGradOptions, options, { calpha: 'c', CAGrad_calpha: 'c', CAGrad_rescale: 'rescale' });
  return {
    name: 'CAGrad',
    kind: 'gradient',
    modes: ['parameters'],
    ...noState,
    combineGradients(grads) {
      const G = gramMatrix(grads);
      const T = G.length;
      const mean = new Array<number>(T).fill(1 / T);
      let weights = [...mean];
      if (o.c > 0) {
        const meanG = G.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0) / (T * T);
        const phi = o.c * Math.sqrt(meanG + 1e-8);
        const Gb = matVec(G, mean);
        const f = (x: number[]) => dot(x, Gb) + phi * Math.sqrt(Math.max(0, dot(x, matVec(G, x))) + 1e-8);
        const grad = (x: number[]) => {
          const Gx = matVec(G, x);
          const r = Math.sqrt(Math.max(0, dot(x, Gx)) + 1e-8);
          return Gb.map((b, i) => b + (phi * Gx[i]!) / r);
        };
        const { x } = minimizeOnSimplex(f, grad, mean);
        const gwNorm = Math.sqrt(Math.max(0, dot(x, matVec(G, x))));
        const lambda = phi / (gwNorm + 1e-8);
        weights = mean.map((m, i) => m + lambda * x[i]!);
      }
      const div = o.rescale === 1 ? 1 + o.c * o.c : o.rescale === 2 ? 1 + o.c : 1;
      weights = weights.map((w) => w / div);
      return { direction: combineRows(grads, weights), weights };
    },
  };
}
