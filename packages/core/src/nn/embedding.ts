import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { embeddingUniform } from './init.js';
import { createParameter, type Module, type Parameter } from './module.js';

/**
 * One embedding table shared by several sparse fields: field f's ids live at rows offsets[f] + id, as in the
 * usual CTR setup (and the PyTorch reference), so one gather serves all fields.
 */
export class FieldEmbedding implements Module {
  readonly table: Parameter;
  readonly offsets: Int32Array;
  readonly rows: number;

  constructor(
    readonly name: string,
    readonly vocabSizes: number[],
    readonly dim: number,
    rng: Rng,
  ) {
    this.offsets = new Int32Array(vocabSizes.length);
    let rows = 0;
    vocabSizes.forEach((v, f) => {
      this.offsets[f] = rows;
      rows += v;
    });
    this.rows = rows;
    this.table = createParameter(`${name}/embeddings`, embeddingUniform([rows, dim], rng));
  }

  /** ids: int32 [B, F] local to each field; returns [B, F·dim]. */
  apply(ids: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const fields = this.vocabSizes.length;
      const global = tf.add(ids, tf.tensor1d(this.offsets, 'int32'));
      const rows = tf.gather(this.table.variable, global.reshape([-1]));
      return rows.reshape([ids.shape[0]!, fields * this.dim]) as tf.Tensor2D;
    });
  }

  parameters(): Parameter[] {
    return [this.table];
  }
}
