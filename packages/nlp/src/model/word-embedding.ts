import { createParameter, embeddingUniform, type ForwardContext, type Module, type Parameter, type Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import type { PretrainedTable } from '../data/load.js';
import { OOV_ID } from '../text/vocabulary.js';

/**
 * The word table: random rows, or pretrained ones where a vector was given. In training, `wordDropout` replaces
 * words by the OOV id at that rate, so the OOV row (and the char features) learn to stand in for unknown words.
 */
export class WordEmbedding implements Module {
  readonly table: Parameter;

  constructor(
    readonly name: string,
    words: number,
    readonly dim: number,
    readonly wordDropout: number,
    rng: Rng,
    pretrained?: PretrainedTable,
  ) {
    if (pretrained && pretrained.dim !== dim) {
      throw new Error(
        `${name}: the pretrained vectors have ${pretrained.dim} dimensions, the word embedding ${dim} (set wordDim: ${pretrained.dim})`,
      );
    }
    const init = embeddingUniform([words, dim], rng, Math.sqrt(3 / dim));
    if (!pretrained) {
      this.table = createParameter(`${name}/embeddings`, init);
      return;
    }
    const rows = init.dataSync().slice() as Float32Array;
    init.dispose();
    for (let i = 0; i < pretrained.rows.length; i++) if (!Number.isNaN(pretrained.rows[i]!)) rows[i] = pretrained.rows[i]!;
    this.table = createParameter(`${name}/embeddings`, tf.tensor2d(rows, [words, dim]));
  }

  /** ids int32 [B, T] → [B, T, dim]. */
  apply(ids: tf.Tensor, ctx: ForwardContext): tf.Tensor3D {
    return tf.tidy(() => {
      const [b, t] = ids.shape as [number, number];
      let x = ids;
      if (ctx.training && this.wordDropout > 0) {
        const drop = tf.less(
          tf.randomUniform([b, t], 0, 1, 'float32', ctx.seed === undefined ? undefined : ctx.seed + 17),
          this.wordDropout,
        );
        // Padding (id 0) stays padding.
        x = tf.where(tf.logicalAnd(drop, tf.greater(ids, 0)), tf.fill([b, t], OOV_ID, 'int32'), ids);
      }
      return tf.gather(this.table.variable, x.reshape([-1])).reshape([b, t, this.dim]) as tf.Tensor3D;
    });
  }

  parameters(): Parameter[] {
    return [this.table];
  }
}
