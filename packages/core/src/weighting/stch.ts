import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { lossValues, softmax } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { LossWeighting, WeightingBuildContext } from './weighting.js';

export const StchOptions = z.strictObject({
  /** Smoothing μ of the Tchebycheff max (LibMTL `STCH_mu`). */
  mu: z.number().positive().default(1),
  /** Epochs of Σ log L_t warm-up (LibMTL `STCH_warmup_epoch`); the nadir point is the mean loss of the last one. */
  warmupEpochs: z.number().int().nonnegative().default(4),
});

const StchState = z.object({
  sum: z.array(z.number()).nullable(),
  count: z.number().int().nonnegative(),
  nadir: z.array(z.number()).nullable(),
});

const TINY = 1e-20;

/**
 * Smooth Tchebycheff scalarisation (Lin et al., ICML 2024), LibMTL schedule:
 * - epoch < W: L = Σ_t log L_t;
 * - epoch = W: same loss, and the batch losses are averaged into the nadir vector n;
 * - epoch > W: ℓ_t = log(L_t/n_t), L = T·μ·log Σ_t exp(ℓ_t/μ) (computed as T·(m + μ log Σ exp((ℓ_t − m)/μ)),
 *   m = max ℓ; LibMTL drops the constant T·m, which changes the value but not the gradient).
 * Reported weights are the effective ∂L/∂L_t.
 */
export function createStch(options: Record<string, unknown>, ctx: WeightingBuildContext): LossWeighting {
  const o = parseOptions('STCH', StchOptions, options, { warmup_epoch: 'warmupEpochs', STCH_warmup_epoch: 'warmupEpochs', STCH_mu: 'mu' });
  const T = ctx.tasks.length;
  let sum: number[] | null = null;
  let count = 0;
  let nadir: number[] | null = null;
  return {
    name: 'STCH',
    kind: 'loss',
    parameters: () => [],
    combineLosses(losses, c) {
      const values = lossValues(losses);
      if (c.epoch <= o.warmupEpochs) {
        if (c.epoch === o.warmupEpochs) {
          sum = sum === null ? [...values] : sum.map((s, i) => s + values[i]!);
          count += 1;
        }
        const total = tf.tidy(() => tf.sum(tf.log(tf.add(tf.stack(losses), TINY))) as tf.Scalar);
        return { total, weights: values.map((l) => 1 / (l + TINY)) };
      }
      if (nadir === null) nadir = sum !== null && count > 0 ? sum.map((s) => s / count) : [...values];
      const n = nadir;
      const ell = values.map((l, i) => Math.log(l / n[i]! + TINY));
      const m = Math.max(...ell);
      const p = softmax(ell.map((x) => x / o.mu));
      const total = tf.tidy(() => {
        const l = tf.log(tf.add(tf.div(tf.stack(losses), tf.tensor1d(n, 'float32')), TINY));
        const inner = tf.log(tf.sum(tf.exp(tf.div(tf.sub(l, m), o.mu))));
        return tf.mul(T, tf.add(tf.mul(o.mu, inner), m)) as tf.Scalar;
      });
      const weights = values.map((l, i) => (T * p[i]!) / (n[i]! * (l / n[i]! + TINY)));
      return { total, weights };
    },
    getState: () => ({ sum: sum === null ? null : [...sum], count, nadir: nadir === null ? null : [...nadir] }),
    setState(state) {
      const st = parseState('STCH', StchState, state);
      sum = st.sum === null ? null : [...st.sum];
      count = st.count;
      nadir = st.nadir === null ? null : [...st.nadir];
    },
  };
}
