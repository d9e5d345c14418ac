import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createParameter } from '../nn/module.js';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import { solveLinear } from './solvers/linear-solve.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const ImtlOptions = z.strictObject({});

const ImtlState = z.object({ scale: z.array(z.number()) });

/**
 * IMTL (Liu et al., ICLR 2021) = IMTL-L + IMTL-G.
 * - IMTL-L: learnable s_t (init 0, `parameters()`), losses transformed to e^{s_t}·L_t − s_t (`transformLosses`);
 *   the optimizer updates s with the gradient of the transformed losses.
 * - IMTL-G: weights α (Σα = 1) such that the combined g = Σ α_t g_t has equal projections on every unit gradient
 *   u_t = g_t/‖g_t‖: with D_i = g₁ − g_i, U_i = u₁ − u_i (i = 2..T), α_{2..T} = g₁Uᵀ(DUᵀ)⁻¹, α₁ = 1 − Σα_{2..T}.
 *   Everything is a function of the Gram matrix. Singular systems (parallel gradients) fall back to equal weights.
 * Valid on parameters and on the representation (both in LibMTL).
 */
export function createImtl(options: Record<string, unknown>, ctx: WeightingBuildContext): GradientWeighting {
  parseOptions('IMTL', ImtlOptions, options);
  const T = ctx.tasks.length;
  const s = createParameter('weighting/IMTL/scale', tf.zeros([T], 'float32'));
  return {
    name: 'IMTL',
    kind: 'gradient',
    modes: ['parameters', 'representation'],
    parameters: () => [s],
    transformLosses(losses) {
      return tf.tidy(() => {
        const e = tf.exp(s.variable);
        return losses.map((l, i) => {
          const si = tf.slice(s.variable, [i], [1]).reshape([]);
          return tf.sub(tf.mul(tf.slice(e, [i], [1]).reshape([]), l), si) as tf.Scalar;
        });
      });
    },
    combineGradients(grads) {
      const G = gramMatrix(grads);
      const weights = imtlGWeights(G);
      return { direction: combineRows(grads, weights), weights };
    },
    getState: () => ({ scale: Array.from(s.variable.dataSync()) }),
    setState(state) {
      const st = parseState('IMTL', ImtlState, state);
      if (st.scale.length !== T) throw new Error(`weighting "IMTL": state has ${st.scale.length} tasks, expected ${T}`);
      tf.tidy(() => s.variable.assign(tf.tensor1d(st.scale, 'float32')));
    },
    dispose: () => s.variable.dispose(),
  };
}

/** IMTL-G closed-form weights from the Gram matrix. */
export function imtlGWeights(G: readonly (readonly number[])[]): number[] {
  const T = G.length;
  if (T <= 1) return new Array<number>(T).fill(1);
  const n = G.map((row, i) => Math.sqrt(Math.max(0, row[i]!)));
  if (n.some((x) => x === 0)) return new Array<number>(T).fill(1 / T);
  const g = (i: number, j: number) => G[i]![j]!;
  // (g₁·e_j) and (d_i·e_j) with e_j = u₁ − u_j, d_i = g₁ − g_i (0-based: task 0 is the reference).
  const rhs: number[] = [];
  const M: number[][] = []; // M[j][i] = (D Uᵀ)_ij  — we solve (DUᵀ)ᵀ a = (g₁Uᵀ)ᵀ
  for (let j = 1; j < T; j++) {
    rhs.push(g(0, 0) / n[0]! - g(0, j) / n[j]!);
    const row: number[] = [];
    for (let i = 1; i < T; i++) {
      row.push(g(0, 0) / n[0]! - g(0, j) / n[j]! - g(i, 0) / n[0]! + g(i, j) / n[j]!);
    }
    M.push(row);
  }
  const a = solveLinear(M, rhs, 1e-10);
  if (a === null || a.some((x) => !Number.isFinite(x))) return new Array<number>(T).fill(1 / T);
  return [1 - a.reduce((x, y) => x + y, 0), ...a];
}
