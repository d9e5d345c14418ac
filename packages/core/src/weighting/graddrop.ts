import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { parseOptions } from './options.js';
import { type GradientWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const GradDropOptions = z.strictObject({
  /** Fraction of every gradient that is always kept (LibMTL `leak`, default 0). */
  leak: z.number().min(0).max(1).default(0),
});

/**
 * Gradient Sign Dropout (Chen et al., NeurIPS 2020), on the representation gradients. Per element d:
 *   P_d = ½(1 + Σ_t g_td / (Σ_t |g_td| + 1e-7)),  U_d ~ U[0,1) from ctx.rng (the shared stream),
 *   keep the positive entries if P_d > U_d, otherwise the negative ones;
 *   direction_d = Σ_t g_td (leak + (1 − leak) M_td).
 * Representation mode only (LibMTL raises for parameter gradients). Simplification: LibMTL multiplies by the sign of
 * the representation activations and sums over the batch before computing P; `combineGradients` does not receive the
 * activations, so every element of the flattened [batch × features] gradient is treated as its own coordinate.
 * The mask is not a per-task scalar, so the reported weights are the kept fraction of each task's gradient
 * (Σ_d |g_td| M_td / Σ_d |g_td|, 1 when nothing is dropped). Cost: D uniform draws per step (JS) and O(T·D) tensor ops.
 */
export function createGradDrop(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('GradDrop', GradDropOptions, options);
  return {
    name: 'GradDrop',
    kind: 'gradient',
    modes: ['representation'],
    ...noState,
    combineGradients(grads, _losses, ctx) {
      const [T, D] = grads.shape;
      const u = new Float32Array(D);
      for (let d = 0; d < D; d++) u[d] = ctx.rng.next();
      const [direction, kept] = tf.tidy(() => {
        const U = tf.tensor1d(u, 'float32');
        const sum = tf.sum(grads, 0);
        const abs = tf.abs(grads);
        const P = tf.mul(0.5, tf.add(1, tf.div(sum, tf.add(tf.sum(abs, 0), 1e-7))));
        const keepPositive = tf.greater(P, U); // [D]
        const mask = tf.logicalOr(
          tf.logicalAnd(keepPositive, tf.greater(grads, 0)),
          tf.logicalAnd(tf.logicalNot(keepPositive), tf.less(grads, 0)),
        );
        const factor = tf.add(o.leak, tf.mul(1 - o.leak, tf.cast(mask, 'float32')));
        const masked = tf.mul(grads, factor);
        const keptFraction = tf.div(tf.sum(tf.mul(abs, factor), 1), tf.add(tf.sum(abs, 1), 1e-30));
        const zero = tf.equal(tf.sum(abs, 1), 0);
        return [tf.sum(masked, 0) as tf.Tensor1D, tf.where(zero, tf.onesLike(keptFraction), keptFraction)];
      });
      const weights = Array.from(kept.dataSync()).slice(0, T);
      kept.dispose();
      return { direction, weights };
    },
  };
}
