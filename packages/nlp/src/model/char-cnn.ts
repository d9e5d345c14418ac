import { createParameter, embeddingUniform, glorotUniform, type Module, type Parameter, type Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { sameConv1d } from './conv1d.js';

/**
 * Character CNN word features (Ma & Hovy 2016): char embeddings → 1-D convolution over each word's characters →
 * max over its real characters. Gives rare and unknown words a representation from their spelling. Padding chars
 * (id 0) never win the max, so a batch's char width changes nothing; an all-padding word (a padded position) gets 0.
 */
export class CharCnn implements Module {
  readonly table: Parameter;
  readonly filter: Parameter;
  readonly bias: Parameter;

  constructor(
    readonly name: string,
    chars: number,
    readonly dim: number,
    readonly filters: number,
    readonly kernel: number,
    rng: Rng,
  ) {
    this.table = createParameter(`${name}/embeddings`, embeddingUniform([chars, dim], rng, Math.sqrt(3 / dim)));
    this.filter = createParameter(`${name}/kernel`, glorotUniform([kernel, dim, filters], kernel * dim, filters, rng));
    this.bias = createParameter(`${name}/bias`, tf.zeros([filters]));
  }

  /** chars int32 [B, T, W] → [B, T, filters]. */
  apply(chars: tf.Tensor): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, t, w] = chars.shape as [number, number, number];
      const flat = chars.reshape([b * t * w]);
      const real = tf.cast(tf.notEqual(chars.reshape([b * t, w, 1]), 0), 'float32');
      // Padding chars embed as 0, like the convolution's own border: a wider batch changes no real window.
      const x = tf.mul(tf.gather(this.table.variable, flat).reshape([b * t, w, this.dim]), real) as tf.Tensor3D;
      const conv = tf.add(sameConv1d(x, this.filter.variable as tf.Tensor3D), this.bias.variable);
      const pooled = tf.max(tf.add(conv, tf.mul(tf.sub(real, 1), 1e9)), 1);
      const hasChars = tf.cast(tf.greater(tf.sum(real, 1), 0), 'float32');
      return tf.mul(tf.tanh(pooled), hasChars).reshape([b, t, this.filters]) as tf.Tensor3D;
    });
  }

  parameters(): Parameter[] {
    return [this.table, this.filter, this.bias];
  }
}
