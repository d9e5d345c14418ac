import { z } from 'zod';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions } from './options.js';
import { symmetricEigen } from './solvers/jacobi-eigen.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const AlignedMtlOptions = z.strictObject({});

const FLOAT32_EPS = 1.1920928955078125e-7;

/**
 * Aligned-MTL (Senushkin et al., CVPR 2023), LibMTL form: eigen-decompose the Gram M = V Λ Vᵀ (Jacobi), keep the
 * eigenpairs with λ > λ_max·T·ε (rank r), B = √λ_min · V_r Λ_r^{-1/2} V_rᵀ, weights α = B·1, direction Σ α_t g_t.
 * This aligns the principal components of the gradient matrix: the combined gradient matrix GB has equal singular
 * values √λ_min (condition number 1). E.g. orthogonal gradients of equal norm → α = 1 (their plain sum); orthogonal
 * gradients of norms n_t → α_t = min(n)/n_t.
 * Modes: parameters (default) and representation — LibMTL implements both, and the paper's Aligned-MTL-UB variant is
 * the representation form.
 */
export function createAlignedMtl(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  parseOptions('Aligned_MTL', AlignedMtlOptions, options);
  return {
    name: 'Aligned_MTL',
    kind: 'gradient',
    modes: ['parameters', 'representation'],
    ...noState,
    combineGradients(grads) {
      const weights = alignedMtlWeights(gramMatrix(grads));
      return { direction: combineRows(grads, weights), weights };
    },
  };
}

export function alignedMtlWeights(gram: readonly (readonly number[])[]): number[] {
  const T = gram.length;
  const { values, vectors } = symmetricEigen(gram);
  const lmax = values[0] ?? 0;
  const tol = lmax * T * FLOAT32_EPS;
  const keep = values.flatMap((l, k) => (l > tol && l > 0 ? [k] : []));
  if (keep.length === 0) return new Array<number>(T).fill(1);
  const lmin = values[keep[keep.length - 1]!]!;
  const weights = new Array<number>(T).fill(0);
  // α_i = Σ_j B_ij = √λ_min Σ_k V_ik λ_k^{-1/2} (Σ_j V_jk)
  for (const k of keep) {
    let colSum = 0;
    for (let j = 0; j < T; j++) colSum += vectors[j]![k]!;
    const f = (Math.sqrt(lmin) / Math.sqrt(values[k]!)) * colSum;
    for (let i = 0; i < T; i++) weights[i] = weights[i]! + vectors[i]![k]! * f;
  }
  return weights;
}
