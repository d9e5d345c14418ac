import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { decodeTensor, encodeTensor, Float32Blob } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { GradientWeighting, WeightingBuildContext } from './weighting.js';

export const DbMtlOptions = z.strictObject({
  /** EMA factor of the gradient buffer (LibMTL `DB_beta`). */
  beta: z.number().min(0).max(1).default(0.9),
  /** Decay exponent: the EMA factor at step k is β/k^{β_σ} (LibMTL `DB_beta_sigma`). */
  betaSigma: z.number().nonnegative().default(0),
});

const DbMtlState = z.object({ step: z.number().int().nonnegative(), buffer: Float32Blob.nullable() });

/**
 * Dual-Balancing MTL (Lin et al., 2023), LibMTL form:
 * - loss scale balance: gradients are taken of log(L_t + 1e-8) (`transformLosses`);
 * - gradient magnitude balance: buffer_k = g_k + (β/k^{β_σ})(buffer_{k−1} − g_k) (EMA, buffer₀ = 0),
 *   α_t = max_s ‖buffer_s‖ / (‖buffer_t‖ + 1e-8), direction = Σ_t α_t buffer_t.
 * The direction is a combination of the EMA buffers, not of this step's gradients; the reported weights are α.
 * State: the step count and the [T, D] buffer (base64 float32, exact). Memory: one extra [T, D] tensor.
 * Modes: parameters only.
 */
export function createDbMtl(options: Record<string, unknown>, _ctx: WeightingBuildContext): GradientWeighting {
  const o = parseOptions('DB_MTL', DbMtlOptions, options, { DB_beta: 'beta', DB_beta_sigma: 'betaSigma' });
  let step = 0;
  let buffer: tf.Tensor2D | null = null;
  return {
    name: 'DB_MTL',
    kind: 'gradient',
    modes: ['parameters'],
    parameters: () => [],
    transformLosses(losses) {
      return tf.tidy(() => losses.map((l) => tf.log(tf.add(l, 1e-8)) as tf.Scalar));
    },
    combineGradients(grads) {
      step += 1;
      const factor = o.beta / step ** o.betaSigma;
      const old = buffer !== null && buffer.shape[1] === grads.shape[1] && buffer.shape[0] === grads.shape[0] ? buffer : null;
      const next = tf.tidy(() =>
        old === null ? (tf.mul(grads, 1 - factor) as tf.Tensor2D) : (tf.add(grads, tf.mul(factor, tf.sub(old, grads))) as tf.Tensor2D),
      );
      buffer?.dispose();
      buffer = next;
      const normsT = tf.tidy(() => tf.sqrt(tf.sum(tf.square(next), 1)));
      const norms = Array.from(normsT.dataSync());
      normsT.dispose();
      const max = Math.max(...norms);
      const weights = norms.map((n) => max / (n + 1e-8));
      const direction = tf.tidy(() => tf.matMul(tf.tensor2d([weights], [1, weights.length], 'float32'), next).reshape([-1]) as tf.Tensor1D);
      return { direction, weights };
    },
    getState: () => ({ step, buffer: buffer === null ? null : encodeTensor(buffer) }),
    setState(state) {
      const st = parseState('DB_MTL', DbMtlState, state);
      buffer?.dispose();
      step = st.step;
      buffer = st.buffer === null ? null : (decodeTensor(st.buffer) as tf.Tensor2D);
    },
    dispose() {
      buffer?.dispose();
      buffer = null;
    },
  };
}
