import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { combineRows, softmax } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const GradNormOptions = z.strictObject({
  /** Asymmetry α: strength of the pull toward equal relative training rates. */
  alpha: z.number().nonnegative().default(1.5),
  /**
   * Adam learning rate of the weight logits. LibMTL trains them with the model's optimizer; here the method owns a
   * small Adam, because the GradNorm loss is not part of the model's objective.
   */
  lr: z.number().positive().default(1e-3),
  /** Epochs of plain summation first; L_t(0) is the epoch-0 mean loss (LibMTL: 1). */
  warmupEpochs: z.number().int().nonnegative().default(1),
});

const GradNormState = z.object({
  logits: z.array(z.number()),
  m: z.array(z.number()),
  v: z.array(z.number()),
  t: z.number().int().nonnegative(),
  initialLosses: z.array(z.number()).nullable(),
});

/**
 * GradNorm (Chen et al., ICML 2018), LibMTL form: weights w = T·softmax(ξ) (always sum to T).
 *   G_t = w_t‖g_t‖, Ḡ = mean G, L̃_t = L_t/L_t(0), r_t = L̃_t / mean L̃,
 *   L_grad = Σ_t |G_t − Ḡ r_t^α| (target detached), ξ ← Adam(∂L_grad/∂ξ).
 * Direction Σ w_t g_t with the weights before the update. L_t(0) = the epoch-0 mean training loss (from
 * `onEpochEnd`), or the first batch's losses if no epoch has ended yet. During the warm-up epochs: plain sum.
 * Modes: parameters only (the method balances gradient norms on the shared parameters).
 */
export function createGradNorm(options: Record<string, unknown>, ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('GradNorm', GradNormOptions, options, { GradNorm_alpha: 'alpha', warmup_epoch: 'warmupEpochs' });
  const T = ctx.tasks.length;
  let logits = new Array<number>(T).fill(0);
  let m = new Array<number>(T).fill(0);
  let v = new Array<number>(T).fill(0);
  let t = 0;
  let initialLosses: number[] | null = null;
  return {
    name: 'GradNorm',
    kind: 'gradient',
    modes: ['parameters'],
    parameters: () => [],
    onEpochEnd(epoch, meanLosses) {
      if (epoch === 0 && meanLosses.length === T) initialLosses = [...meanLosses];
    },
    combineGradients(grads, losses, c) {
      if (initialLosses === null) initialLosses = [...losses];
      if (c.epoch < o.warmupEpochs) {
        const ones = new Array<number>(T).fill(1);
        return { direction: combineRows(grads, ones), weights: ones };
      }
      const s = softmax(logits);
      const w = s.map((x) => x * T);
      const direction = combineRows(grads, w);
      const normsT = tf.tidy(() => tf.sqrt(tf.sum(tf.square(grads), 1)));
      const norms = Array.from(normsT.dataSync());
      normsT.dispose();
      const Gt = w.map((wi, i) => wi * norms[i]!);
      const Gbar = Gt.reduce((a, b) => a + b, 0) / T;
      const L0 = initialLosses;
      const ratio = losses.map((l, i) => l / (L0[i]! || 1));
      const meanRatio = ratio.reduce((a, b) => a + b, 0) / T;
      const r = ratio.map((x) => x / meanRatio);
      const target = r.map((ri) => Gbar * ri ** o.alpha);
      const a = Gt.map((g, i) => Math.sign(g - target[i]!) * norms[i]!); // ∂L_grad/∂w_t
      const as = a.reduce((acc, ai, i) => acc + ai * s[i]!, 0);
      const grad = s.map((si, j) => T * si * (a[j]! - as)); // through w = T·softmax(ξ)
      t += 1;
      m = m.map((mi, i) => 0.9 * mi + 0.1 * grad[i]!);
      v = v.map((vi, i) => 0.999 * vi + 0.001 * grad[i]! * grad[i]!);
      const bc1 = 1 - 0.9 ** t;
      const bc2 = 1 - 0.999 ** t;
      logits = logits.map((x, i) => x - (o.lr / bc1) * (m[i]! / (Math.sqrt(v[i]!) / Math.sqrt(bc2) + 1e-8)));
      return { direction, weights: w };
    },
    getState: () => ({ logits: [...logits], m: [...m], v: [...v], t, initialLosses: initialLosses === null ? null : [...initialLosses] }),
    setState(state) {
      const st = parseState('GradNorm', GradNormState, state);
      if (st.logits.length !== T) throw new Error(`weighting "GradNorm": state has ${st.logits.length} tasks, expected ${T}`);
      logits = [...st.logits];
      m = [...st.m];
      v = [...st.v];
      t = st.t;
      initialLosses = st.initialLosses === null ? null : [...st.initialLosses];
    },
  };
}
