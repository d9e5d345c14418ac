import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Rng } from '../util/rng.js';
import { parseOptions } from './options.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const GradDropOptions = z.strictObject({
  /** Fraction of every gradient that is always kept (LibMTL `leak`, default 0). */
  leak: z.number().min(0).max(1).default(0),
});

/**
 * Gradient Sign Dropout (Chen et al., NeurIPS 2020; LibMTL's GradDrop), on the representation gradients g_t [B, F] of
 * each task (representation mode only, as in LibMTL). With the representation r [B, F] (`ctx.representation`):
 *   G_t = Σ_b g_t[b] ⊙ sign(r[b])  (the sign correction, summed over the batch),
 *   P_f = ½(1 + Σ_t G_tf / (Σ_t |G_tf| + 1e-7)),  U_f ~ U[0,1) from ctx.rng (the shared stream, F draws),
 *   M_t[b, f] = [P_f > U_f]·[g_t[b, f] > 0] + [P_f < U_f]·[g_t[b, f] < 0],
 *   direction = Σ_t g_t ⊙ (leak + (1 − leak) M_t).
 * Each representation tensor is treated this way on its own (batch first, the rest flattened into features). Without
 * `ctx.representation` (a bare gradient matrix) every column is its own feature with no sign correction.
 * The mask is not a per-task scalar, so the reported weights are the kept fraction of each task's gradient
 * (Σ |g_t| M_t / Σ |g_t|, 1 when nothing is dropped).
 */
export function createGradDrop(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('GradDrop', GradDropOptions, options);
  /** Masked per-task gradients [T, B, F] of one representation tensor (sign: sign(r) as [1, B, F], or null). */
  const maskBlock = (g: tf.Tensor3D, sign: tf.Tensor | null, rng: Rng): tf.Tensor3D => {
    const F = g.shape[2];
    const u = new Float32Array(F);
    for (let f = 0; f < F; f++) u[f] = rng.next();
    const corrected = tf.sum(sign ? tf.mul(g, sign) : g, 1); // [T, F]
    const P = tf.mul(0.5, tf.add(1, tf.div(tf.sum(corrected, 0), tf.add(tf.sum(tf.abs(corrected), 0), 1e-7))));
    // Kept sign per feature: +1 where P > U, −1 where P < U (0 keeps nothing). M = [sign(g) · kept > 0], computed with
    // float ops: wasm's broadcasting LogicalAnd over [T, B, F] took over a second per step.
    const kept = tf.reshape(tf.sign(tf.sub(P, tf.tensor1d(u))), [1, 1, F]);
    const mask = tf.cast(tf.greater(tf.mul(tf.sign(g), kept), 0), 'float32');
    return (o.leak === 0 ? mask : tf.add(o.leak, tf.mul(1 - o.leak, mask))) as tf.Tensor3D;
  };
  return {
    name: 'GradDrop',
    kind: 'gradient',
    modes: ['representation'],
    ...noState,
    combineGradients(grads, _losses, ctx) {
      const [T, D] = grads.shape;
      const reps = ctx.representation ?? [];
      const covered = reps.reduce((n, r) => n + r.size, 0) === D && reps.length > 0;
      const [direction, kept] = tf.tidy(() => {
        // Per representation tensor: its columns, viewed as [T, B, F], and the factor leak + (1 − leak)·M.
        const blocks = covered ? reps : [null];
        let offset = 0;
        const factors = blocks.map((r) => {
          const size = r ? r.size : D;
          const batch = r ? (r.shape[0] ?? 1) : 1;
          const g = tf.reshape(tf.slice(grads, [0, offset], [T, size]), [T, batch, size / batch]) as tf.Tensor3D;
          offset += size;
          const sign = r ? tf.reshape(tf.sign(r), [1, batch, size / batch]) : null;
          return tf.reshape(maskBlock(g, sign, ctx.rng), [T, size]);
        });
        const factor = factors.length === 1 ? factors[0]! : tf.concat(factors, 1);
        const abs = tf.abs(grads);
        const keptFraction = tf.div(tf.sum(tf.mul(abs, factor), 1), tf.add(tf.sum(abs, 1), 1e-30));
        const zero = tf.equal(tf.sum(abs, 1), 0);
        return [tf.sum(tf.mul(grads, factor), 0) as tf.Tensor1D, tf.where(zero, tf.onesLike(keptFraction), keptFraction)];
      });
      const weights = Array.from(kept.dataSync()).slice(0, T);
      kept.dispose();
      return { direction, weights };
    },
  };
}
