import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FieldEmbedding } from '../nn/embedding.js';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import type { Inputs, Trunk, TrunkBuildContext } from './trunk.js';

export const EmbeddingTrunkOptions = z.object({
  /** int32 [B, F] ids, local per field. */
  sparseInput: z.string().default('sparse'),
  /** float32 [B, D] numeric features (optional). */
  denseInput: z.string().default('dense'),
  /** Multi-valued fields: int32 [B, F_m, K] ids with -1 padding, mean-pooled per field (optional). */
  multiInput: z.string().default('multi'),
  embeddingDim: z.number().int().positive().default(16),
  /** Vocabulary size per sparse field; defaults to data.meta.sparseVocabSizes. */
  vocabSizes: z.array(z.number().int().positive()).optional(),
  multiVocabSizes: z.array(z.number().int().positive()).optional(),
  /** Optional MLP on the concatenated features (a shared bottom); empty = pass the concatenation through. */
  units: z.array(z.number().int().positive()).default([]),
  dropout: z.number().min(0).max(1).default(0),
});
export type EmbeddingTrunkOptions = z.input<typeof EmbeddingTrunkOptions>;

/**
 * Sparse ids → one embedding table with field offsets, concatenated with dense features (and mean-pooled
 * multi-valued fields), optionally followed by an MLP. The standard input layer of CTR models.
 */
export class EmbeddingTrunk implements Trunk {
  readonly outputShape: number[];
  private readonly embedding: FieldEmbedding | undefined;
  private readonly multiEmbedding: FieldEmbedding | undefined;
  private readonly mlp: Mlp | undefined;
  private readonly o: z.infer<typeof EmbeddingTrunkOptions>;
  private readonly hasDense: boolean;

  constructor(options: EmbeddingTrunkOptions, ctx: TrunkBuildContext) {
    const o = EmbeddingTrunkOptions.parse(options);
    this.o = o;
    const inputs = ctx.data.inputs;
    const vocab = o.vocabSizes ?? (ctx.data.meta?.sparseVocabSizes as number[] | undefined);
    let width = 0;
    if (inputs[o.sparseInput]) {
      if (!vocab) throw new Error('embedding trunk: vocabSizes missing (option or data.meta.sparseVocabSizes)');
      this.embedding = new FieldEmbedding(`${ctx.name}/embedding`, vocab, o.embeddingDim, ctx.rng);
      width += vocab.length * o.embeddingDim;
    }
    const multiVocab = o.multiVocabSizes ?? (ctx.data.meta?.multiVocabSizes as number[] | undefined);
    if (inputs[o.multiInput] && multiVocab && multiVocab.length > 0) {
      // +1 row per field for the padding id, whose vector is masked out of the mean
      this.multiEmbedding = new FieldEmbedding(
        `${ctx.name}/multi_embedding`,
        multiVocab.map((v) => v + 1),
        o.embeddingDim,
        ctx.rng,
      );
      width += multiVocab.length * o.embeddingDim;
    }
    this.hasDense = inputs[o.denseInput] !== undefined;
    if (this.hasDense) width += inputs[o.denseInput]!.shape[0]!;
    if (o.units.length > 0) {
      this.mlp = new Mlp(`${ctx.name}/mlp`, width, o.units, ctx.rng, { dropout: o.dropout });
      width = this.mlp.outputUnits;
    }
    this.outputShape = [width];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      if (this.embedding) parts.push(this.embedding.apply(inputs[this.o.sparseInput]!));
      if (this.multiEmbedding) parts.push(this.pooledMulti(inputs[this.o.multiInput]!));
      if (this.hasDense) parts.push(inputs[this.o.denseInput]!);
      const x = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
      return this.mlp ? this.mlp.apply(x, ctx) : x;
    });
  }

  /** [B, F, K] ids with -1 padding → mean of the present ids' vectors per field → [B, F·dim]. */
  private pooledMulti(ids: tf.Tensor): tf.Tensor {
    const [b, f, k] = ids.shape as [number, number, number];
    const present = tf.cast(tf.greaterEqual(ids, 0), 'float32'); // [B, F, K]
    const table = this.multiEmbedding!;
    // Field f's padding id −1 maps to its own row offsets[f] (the +1 row per field), masked out below.
    const global = tf.add(tf.add(ids, tf.scalar(1, 'int32')), tf.tensor3d(table.offsets, [1, f, 1], 'int32'));
    const vectors = tf.gather(table.table.variable, global.reshape([-1])).reshape([b, f, k, this.o.embeddingDim]);
    const summed = tf.sum(tf.mul(vectors, present.expandDims(3)), 2);
    const counts = tf.maximum(tf.sum(present, 2), 1).expandDims(2);
    return tf.div(summed, counts).reshape([b, f * this.o.embeddingDim]);
  }

  parameters(): Parameter[] {
    return [...(this.embedding?.parameters() ?? []), ...(this.multiEmbedding?.parameters() ?? []), ...(this.mlp?.parameters() ?? [])];
  }
}
