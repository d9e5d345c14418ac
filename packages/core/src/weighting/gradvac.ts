import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Rng } from '../util/rng.js';
import { combineRows, gramMatrix } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const GradVacOptions = z.strictObject({
  /** EMA rate of the target cosines ρ̂_ij (LibMTL `GradVac_beta`). */
  beta: z.number().min(0).max(1).default(0.5),
  /**
   * LibMTL `GradVac_group_type`: 0 the whole shared part is one group, 1 each layer (parameters sharing a name up to
   * the last '/'), 2 each parameter tensor. 1 and 2 need the parameter segments of parameter mode.
   */
  groupType: z.union([z.literal(0), z.literal(1), z.literal(2)]).default(0),
});

/** ρ̂ per group (T×T each). */
const GradVacState = z.object({ rho: z.array(z.array(z.array(z.number()))) });

/** Column ranges of the groups of `groupType` over D columns described by `segments`. */
export function gradVacGroups(
  groupType: 0 | 1 | 2,
  D: number,
  segments: readonly { readonly name: string; readonly size: number }[] | undefined,
): Array<{ offset: number; size: number }> {
  if (groupType === 0) return [{ offset: 0, size: D }];
  if (!segments) throw new Error('weighting "GradVac": groupType 1 and 2 need the parameter layout (gradient mode "parameters")');
  const total = segments.reduce((n, s) => n + s.size, 0);
  if (total !== D) throw new Error(`weighting "GradVac": parameter segments cover ${total} of ${D} gradient columns`);
  const layer = (name: string) => name.slice(0, Math.max(0, name.lastIndexOf('/')));
  const groups: Array<{ offset: number; size: number; key: string }> = [];
  let offset = 0;
  for (const s of segments) {
    const key = groupType === 1 ? layer(s.name) : s.name;
    const last = groups.at(-1);
    if (groupType === 1 && last && last.key === key) last.size += s.size;
    else groups.push({ offset, size: s.size, key });
    offset += s.size;
  }
  return groups.filter((g) => g.size > 0).map(({ offset: o, size }) => ({ offset: o, size }));
}

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
  const zeros = () => Array.from({ length: T }, () => new Array<number>(T).fill(0));
  /** ρ̂ of each group, created when the groups are first seen. */
  let rho: number[][][] = [];

  /** The coefficient matrix C (pc_i = Σ_k C_ik g_k) of one group from its Gram matrix; updates that group's ρ̂. */
  const vaccinate = (G: number[][], target: number[][], rng: Rng): number[][] => {
    const n = G.length;
    const C: number[][] = G.map((_, i) => G.map((__, j) => (i === j ? 1 : 0)));
    const gNorm = G.map((row, j) => Math.sqrt(Math.max(0, row[j]!)));
    for (let i = 0; i < n; i++) {
      const ci = C[i]!;
      const order = rng.shuffle(Array.from({ length: n }, (_, k) => k).filter((k) => k !== i));
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
        const goal = target[i]![j]!;
        if (r < goal) {
          const w =
            (pcNorm * (goal * Math.sqrt(Math.max(0, 1 - r * r)) - r * Math.sqrt(Math.max(0, 1 - goal * goal)))) /
            (gNorm[j]! * Math.sqrt(Math.max(0, 1 - goal * goal)) + 1e-8);
          ci[j] = ci[j]! + w;
        }
        target[i]![j] = (1 - o.beta) * goal + o.beta * r;
      }
    }
    return C;
  };
  const columnSums = (C: number[][]) => C[0]!.map((_, j) => C.reduce((s, row) => s + row[j]!, 0));

  return {
    name: 'GradVac',
    kind: 'gradient',
    modes: ['parameters'],
    parameters: () => [],
    combineGradients(grads, _losses, c) {
      const groups = gradVacGroups(o.groupType, grads.shape[1], c.segments);
      if (rho.length === 0) rho = groups.map(zeros);
      if (rho.length !== groups.length) throw new Error(`weighting "GradVac": ${groups.length} groups now, ${rho.length} before`);
      if (groups.length === 1) {
        const weights = columnSums(vaccinate(gramMatrix(grads), rho[0]!, c.rng));
        return { direction: combineRows(grads, weights), weights };
      }
      // Per group: its own Gram matrix, targets and coefficients; the direction is the concatenation.
      const D = grads.shape[1];
      const reported = new Array<number>(T).fill(0);
      const parts = groups.map((g, k) => {
        const block = tf.slice(grads, [0, g.offset], [T, g.size]) as tf.Tensor2D;
        const weights = columnSums(vaccinate(gramMatrix(block), rho[k]!, c.rng));
        for (let t = 0; t < T; t++) reported[t]! += (weights[t]! * g.size) / D;
        const part = combineRows(block, weights);
        block.dispose();
        return part;
      });
      const direction = tf.concat(parts) as tf.Tensor1D;
      tf.dispose(parts);
      return { direction, weights: reported };
    },
    getState: () => ({ rho: rho.map((g) => g.map((r) => [...r])) }),
    setState(state) {
      const st = parseState('GradVac', GradVacState, state);
      if (st.rho.some((g) => g.length !== T)) throw new Error(`weighting "GradVac": state is not for ${T} tasks`);
      rho = st.rho.map((g) => g.map((r) => [...r]));
    },
  };
}
