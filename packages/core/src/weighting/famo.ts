import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { lossValues, softmax } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { LossWeighting, WeightingBuildContext } from './weighting.js';

export const FamoOptions = z.strictObject({
  /** Adam learning rate of the task logits ξ (LibMTL `FAMO_w_lr`). */
  wLr: z.number().positive().default(0.025),
  /** L2 weight decay on ξ inside Adam (LibMTL `FAMO_w_gamma`, torch Adam `weight_decay`). */
  gamma: z.number().nonnegative().default(1e-3),
  /** Lower bounds L*_t of the losses (LibMTL uses 0). */
  minLosses: z.array(z.number()).optional(),
});

const FamoState = z.object({
  xi: z.array(z.number()),
  m: z.array(z.number()),
  v: z.array(z.number()),
  t: z.number().int().nonnegative(),
});

const EPS = 1e-8;
const BETA1 = 0.9;
const BETA2 = 0.999;
const ADAM_EPS = 1e-8;

/**
 * Fast Adaptive Multitask Optimization (Liu et al., NeurIPS 2023):
 *   L = Σ_t z_t · log(L_t − L*_t + ε) / c,  z = softmax(ξ), c = Σ_t z_t / (L_t − L*_t + ε) (detached),
 * so the effective loss weights z_t/(c·(L_t − L*_t + ε)) sum to 1 (these are reported).
 * After the update (`afterStep`, one extra forward on the same batch) ξ takes an Adam step on
 *   ∂ξ = J_softmax(ξ)ᵀ δ,  δ_t = log(L_t^before − L*_t + ε) − log(L_t^after − L*_t + ε),
 * with L2 decay γ·ξ — tasks whose loss fell a lot lose weight. State: ξ and the Adam moments.
 */
export function createFamo(options: Record<string, unknown>, ctx: WeightingBuildContext): LossWeighting {
  const o = parseOptions('FAMO', FamoOptions, options, { w_lr: 'wLr', FAMO_w_lr: 'wLr', FAMO_w_gamma: 'gamma', w_gamma: 'gamma' });
  const T = ctx.tasks.length;
  const minLosses = o.minLosses ?? new Array<number>(T).fill(0);
  if (minLosses.length !== T) throw new Error(`weighting "FAMO": minLosses needs ${T} values`);
  let xi = new Array<number>(T).fill(0);
  let m = new Array<number>(T).fill(0);
  let v = new Array<number>(T).fill(0);
  let t = 0;
  const gap = (l: readonly number[]) => l.map((x, i) => x - minLosses[i]! + EPS);
  return {
    name: 'FAMO',
    kind: 'loss',
    parameters: () => [],
    combineLosses(losses) {
      const zs = softmax(xi);
      const d = gap(lossValues(losses));
      const c = zs.reduce((s, zt, i) => s + zt / d[i]!, 0);
      const coef = zs.map((zt) => zt / c);
      const total = tf.tidy(() => {
        const l = tf.sub(
          tf.stack(losses),
          tf.tensor1d(
            minLosses.map((x) => x - EPS),
            'float32',
          ),
        );
        return tf.sum(tf.mul(tf.log(l), tf.tensor1d(coef, 'float32'))) as tf.Scalar;
      });
      return { total, weights: coef.map((k, i) => k / d[i]!) };
    },
    afterStep(_ctx, lossesBefore, lossesAfter) {
      const before = gap(lossesBefore);
      const after = gap(lossesAfter());
      const delta = before.map((b, i) => Math.log(b) - Math.log(after[i]!));
      const zs = softmax(xi);
      const zd = zs.reduce((s, zt, i) => s + zt * delta[i]!, 0);
      const grad = zs.map((zt, i) => zt * (delta[i]! - zd) + o.gamma * xi[i]!);
      t += 1;
      m = m.map((mi, i) => BETA1 * mi + (1 - BETA1) * grad[i]!);
      v = v.map((vi, i) => BETA2 * vi + (1 - BETA2) * grad[i]! * grad[i]!);
      const bc1 = 1 - BETA1 ** t;
      const bc2 = 1 - BETA2 ** t;
      xi = xi.map((x, i) => x - (o.wLr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + ADAM_EPS)));
    },
    getState: () => ({ xi: [...xi], m: [...m], v: [...v], t }),
    setState(state) {
      const st = parseState('FAMO', FamoState, state);
      if (st.xi.length !== T) throw new Error(`weighting "FAMO": state has ${st.xi.length} tasks, expected ${T}`);
      xi = [...st.xi];
      m = [...st.m];
      v = [...st.v];
      t = st.t;
    },
  };
}
