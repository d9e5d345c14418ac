import * as tf from '@tensorflow/tfjs';
import type { DataSpec } from '../trunk/trunk.js';
import { Rng } from '../util/rng.js';
import { type Column, columnLength, gatherRows } from './columns.js';
import type { Batch, BatchOptions, Dataset } from './dataset.js';
import { epochBatchCount, epochOrder, shardSize } from './sample-order.js';

export interface InMemoryDatasetParts {
  readonly inputs: Record<string, Column>;
  readonly labels: Record<string, Column>;
  /** Per-sample 0/1 masks by label key. */
  readonly masks?: Record<string, Float32Array>;
  readonly meta?: Record<string, unknown>;
}

/**
 * Columnar samples held in typed arrays. Batches are gathered in a seeded order per epoch; sharding takes
 * every `count`-th sample of that order, so ranks see disjoint parts of the same permutation.
 */
export class InMemoryDataset implements Dataset {
  readonly size: number;
  readonly spec: DataSpec;

  constructor(readonly parts: InMemoryDatasetParts) {
    const lengths = [...Object.entries(parts.inputs), ...Object.entries(parts.labels)].map(([name, c]) => [name, columnLength(c)] as const);
    this.size = lengths[0]?.[1] ?? 0;
    for (const [name, n] of lengths) {
      if (n !== this.size) throw new Error(`column "${name}" has ${n} samples, expected ${this.size}`);
    }
    for (const [name, m] of Object.entries(parts.masks ?? {})) {
      if (m.length !== this.size) throw new Error(`mask "${name}" has ${m.length} samples, expected ${this.size}`);
    }
    this.spec = {
      inputs: Object.fromEntries(
        Object.entries(parts.inputs).map(([k, c]) => [
          k,
          {
            shape: c.shape,
            dtype: c.data instanceof Int32Array ? 'int32' : 'float32',
            ...(c.vocabSizes ? { vocabSizes: c.vocabSizes } : {}),
          },
        ]),
      ),
      meta: parts.meta,
    };
  }

  /** The sample order of one epoch on one shard. */
  order(options: BatchOptions): Int32Array {
    return epochOrder(this.size, options);
  }

  batchCount(options: BatchOptions): number {
    return epochBatchCount(shardSize(this.size, options.shard), options);
  }

  *batches(options: BatchOptions): Iterable<Batch> {
    const order = this.order(options);
    const count = this.batchCount(options);
    for (let b = options.startBatch ?? 0; b < count; b++) {
      yield this.gather(order.subarray(b * options.batchSize, Math.min((b + 1) * options.batchSize, order.length)));
    }
  }

  /** A batch of the given sample indices. */
  gather(indices: ArrayLike<number>): Batch {
    const n = indices.length;
    const toTensor = (c: Column) => tf.tensor(gatherRows(c, indices), [n, ...c.shape], c.data instanceof Int32Array ? 'int32' : 'float32');
    const masks: Record<string, tf.Tensor> = {};
    for (const [k, m] of Object.entries(this.parts.masks ?? {})) {
      masks[k] = tf.tensor1d(gatherRows({ data: m, shape: [] }, indices) as Float32Array);
    }
    return {
      inputs: Object.fromEntries(Object.entries(this.parts.inputs).map(([k, c]) => [k, toTensor(c)])),
      labels: Object.fromEntries(Object.entries(this.parts.labels).map(([k, c]) => [k, toTensor(c)])),
      masks,
      size: n,
    };
  }

  /** A dataset of a subset of the samples (train/valid/test splits). */
  subset(indices: ArrayLike<number>): InMemoryDataset {
    const pick = (c: Column): Column => ({ ...c, data: gatherRows(c, indices) });
    return new InMemoryDataset({
      inputs: Object.fromEntries(Object.entries(this.parts.inputs).map(([k, c]) => [k, pick(c)])),
      labels: Object.fromEntries(Object.entries(this.parts.labels).map(([k, c]) => [k, pick(c)])),
      masks: Object.fromEntries(
        Object.entries(this.parts.masks ?? {}).map(([k, m]) => [k, gatherRows({ data: m, shape: [] }, indices) as Float32Array]),
      ),
      meta: this.parts.meta,
    });
  }
}

/**
 * Seeded split of n samples into named fractions (e.g. {train: 0.8, valid: 0.1, test: 0.1}); the last split
 * takes the rounding remainder. Deterministic for a seed.
 */
export function splitIndices(n: number, fractions: Record<string, number>, seed: number): Record<string, Int32Array> {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  new Rng(seed).shuffle(order);
  const names = Object.keys(fractions);
  const out: Record<string, Int32Array> = {};
  let start = 0;
  names.forEach((name, i) => {
    const end = i === names.length - 1 ? n : start + Math.round(n * fractions[name]!);
    out[name] = order.slice(start, end).sort();
    start = end;
  });
  return out;
}
