import * as tf from '@tensorflow/tfjs';

/** Scales all gradients by min(1, maxNorm / ‖g‖) where ‖g‖ is their joint L2 norm. Returns the norm. */
export function clipByGlobalNorm(
  grads: Array<tf.Tensor | undefined>,
  maxNorm: number,
): { grads: Array<tf.Tensor | undefined>; norm: number } {
  const present = grads.filter((g): g is tf.Tensor => g !== undefined);
  const normT = tf.tidy(() => tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g))))));
  const norm = normT.dataSync()[0]!;
  normT.dispose();
  if (!(norm > maxNorm) || maxNorm <= 0) return { grads, norm };
  const scale = maxNorm / norm;
  return { grads: grads.map((g) => (g ? tf.mul(g, scale) : undefined)), norm };
}
