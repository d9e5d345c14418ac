import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';

/** Glorot/Xavier uniform, the Keras default for Dense kernels. Seeded from the model RNG. */
export function glorotUniform(shape: number[], fanIn: number, fanOut: number, rng: Rng): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.randomUniform(shape, -limit, limit, 'float32', rng.nextUint32());
}

/** He/Kaiming uniform for ReLU layers. */
export function heUniform(shape: number[], fanIn: number, rng: Rng): tf.Tensor {
  const limit = Math.sqrt(6 / fanIn);
  return tf.randomUniform(shape, -limit, limit, 'float32', rng.nextUint32());
}

/** Keras' Embedding default: uniform in [-0.05, 0.05]. */
export function embeddingUniform(shape: number[], rng: Rng, scale = 0.05): tf.Tensor {
  return tf.randomUniform(shape, -scale, scale, 'float32', rng.nextUint32());
}
