import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { FieldEmbedding } from '../nn/embedding.js';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import type { InputSpec, Inputs, Trunk, TrunkBuildContext } from './trunk.js';

export const EmbeddingTrunkOptions = z.strictObject({
  /** Inputs to read (default: every input that is categorical or float32). */
  inputs: z.array(z.string().min(1)).optional(),
  embeddingDim: z.number().int().positive().default(16),
  /** Optional MLP on the concatenated features (a shared bottom); empty = pass the concatenation through. */
  units: z.array(z.number().int().positive()).default([]),
  dropout: z.number().min(0).max(1).default(0),
});
export type EmbeddingTrunkOptions = z.input<typeof EmbeddingTrunkOptions>;

type Role = 'categorical' | 'multi' | 'dense';

/** What the trunk does with an input: from its spec alone, no naming convention. */
function roleOf(name: string, spec: InputSpec): Role | undefined {
  if (spec.vocabSizes) {
    const fields = spec.shape.length === 0 ? 1 : spec.shape[0]!;
    if (spec.dtype !== 'int32' || spec.shape.length > 2 || fields !== spec.vocabSizes.length) {
      throw new Error(
        `embedding trunk: input "${name}" has ${spec.vocabSizes.length} vocabularies but per-sample shape [${spec.shape}] (${spec.dtype}); expected int32 [fields] or [fields, values]`,
      );
    }
    return spec.shape.length === 2 ? 'multi' : 'categorical';
  }
  if (spec.dtype === 'float32' && spec.shape.length <= 1) return 'dense';
  return undefined;
}

/**
 * Categorical ids → one embedding table per input with field offsets (an input's `vocabSizes` in the data spec says
 * how many ids each field has), multi-valued fields ([fields, values] ids, -1 = padding) mean-pooled, concatenated
 * with the float32 inputs, optionally followed by an MLP. The standard input layer of CTR models. Parts come in a
 * fixed order: single-valued categorical inputs, multi-valued ones, dense ones, each in the data spec's order.
 */
export class EmbeddingTrunk implements Trunk {
  readonly outputShape: number[];
  private readonly categorical: Array<{ input: string; table: FieldEmbedding }> = [];
  private readonly multi: Array<{ input: string; table: FieldEmbedding }> = [];
  private readonly dense: string[] = [];
  private readonly mlp: Mlp | undefined;
  private readonly dim: number;

  constructor(options: EmbeddingTrunkOptions, ctx: TrunkBuildContext) {
    const o = EmbeddingTrunkOptions.parse(options);
    this.dim = o.embeddingDim;
    const specs = ctx.data.inputs;
    for (const name of o.inputs ?? []) {
      if (!specs[name]) throw new Error(`embedding trunk: no input "${name}" (inputs: ${Object.keys(specs).join(', ')})`);
    }
    const names = o.inputs ?? Object.keys(specs);
    const roles = names.map((n) => [n, roleOf(n, specs[n]!)] as const);
    const unusable = roles.filter(([n, r]) => r === undefined && o.inputs?.includes(n));
    if (unusable.length > 0) throw new Error(`embedding trunk: input "${unusable[0]![0]}" is neither categorical (vocabSizes) nor float32`);
    const single = roles.filter(([, r]) => r === 'categorical').map(([n]) => n);
    const multi = roles.filter(([, r]) => r === 'multi').map(([n]) => n);
    const suffix = (n: string, list: string[]) => (list.length === 1 ? '' : `_${n}`);
    let width = 0;
    for (const n of single) {
      const vocab = specs[n]!.vocabSizes!;
      this.categorical.push({
        input: n,
        table: new FieldEmbedding(`${ctx.name}/embedding${suffix(n, single)}`, vocab, o.embeddingDim, ctx.rng),
      });
      width += vocab.length * o.embeddingDim;
    }
    for (const n of multi) {
      // +1 row per field for the padding id, whose vector is masked out of the mean
      const vocab = specs[n]!.vocabSizes!.map((v) => v + 1);
      this.multi.push({
        input: n,
        table: new FieldEmbedding(`${ctx.name}/multi_embedding${suffix(n, multi)}`, vocab, o.embeddingDim, ctx.rng),
      });
      width += vocab.length * o.embeddingDim;
    }
    for (const [n, r] of roles) {
      if (r !== 'dense') continue;
      this.dense.push(n);
      width += specs[n]!.shape[0] ?? 1;
    }
    if (width === 0) throw new Error('embedding trunk: no categorical (vocabSizes) or float32 input to read');
    if (o.units.length > 0) {
      this.mlp = new Mlp(`${ctx.name}/mlp`, width, o.units, ctx.rng, { dropout: o.dropout });
      width = this.mlp.outputUnits;
    }
    this.outputShape = [width];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const parts: tf.Tensor[] = [];
      for (const { input, table } of this.categorical) parts.push(table.apply(input2d(inputs, input)));
      for (const { input, table } of this.multi) parts.push(this.pooled(table, need(inputs, input)));
      for (const input of this.dense) parts.push(input2d(inputs, input));
      const x = parts.length === 1 ? parts[0]! : tf.concat(parts, 1);
      return this.mlp ? this.mlp.apply(x, ctx) : x;
    });
  }

  /** [B, F, K] ids with -1 padding → mean of the present ids' vectors per field → [B, F·dim]. */
  private pooled(table: FieldEmbedding, ids: tf.Tensor): tf.Tensor {
    const [b, f, k] = ids.shape as [number, number, number];
    const present = tf.cast(tf.greaterEqual(ids, 0), 'float32'); // [B, F, K]
    // Field f's padding id −1 maps to its own row offsets[f] (the +1 row per field), masked out below.
    const global = tf.add(tf.add(ids, tf.scalar(1, 'int32')), tf.tensor3d(table.offsets, [1, f, 1], 'int32'));
    const vectors = tf.gather(table.table.variable, global.reshape([-1])).reshape([b, f, k, this.dim]);
    const summed = tf.sum(tf.mul(vectors, present.expandDims(3)), 2);
    const counts = tf.maximum(tf.sum(present, 2), 1).expandDims(2);
    return tf.div(summed, counts).reshape([b, f * this.dim]);
  }

  parameters(): Parameter[] {
    return [...this.categorical, ...this.multi].flatMap((e) => e.table.parameters()).concat(this.mlp?.parameters() ?? []);
  }

  /** Read-only view of the parts in `apply`'s order, for the Keras export. */
  exportSpec(): EmbeddingTrunkParts {
    return { categorical: this.categorical, multi: this.multi, dense: this.dense, mlp: this.mlp };
  }
}

/** An embedding trunk's parts: tables of single- and multi-valued inputs, dense inputs, the optional MLP. */
export interface EmbeddingTrunkParts {
  readonly categorical: ReadonlyArray<{ readonly input: string; readonly table: FieldEmbedding }>;
  readonly multi: ReadonlyArray<{ readonly input: string; readonly table: FieldEmbedding }>;
  readonly dense: readonly string[];
  readonly mlp: Mlp | undefined;
}

function need(inputs: Inputs, name: string): tf.Tensor {
  const x = inputs[name];
  if (!x) throw new Error(`embedding trunk: the batch has no input "${name}"`);
  return x;
}

/** A [B] input read as [B, 1]. */
function input2d(inputs: Inputs, name: string): tf.Tensor {
  const x = need(inputs, name);
  return x.rank === 1 ? x.reshape([-1, 1]) : x;
}
