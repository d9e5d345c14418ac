import { Rng } from '../util/rng.js';
import type { BatchOptions } from './dataset.js';

/**
 * The sample order of one epoch on one shard: a permutation that depends only on (seed, epoch) when shuffling, of
 * which shard `index` of `count` takes every `count`-th entry, so ranks see disjoint parts of the same permutation.
 */
export function epochOrder(size: number, options: Pick<BatchOptions, 'shuffle' | 'seed' | 'epoch' | 'shard'>): Int32Array {
  const all = new Int32Array(size);
  for (let i = 0; i < size; i++) all[i] = i;
  if (options.shuffle) Rng.derive(options.seed ?? 0, options.epoch ?? 0).shuffle(all);
  const shard = options.shard;
  if (!shard || shard.count === 1) return all;
  return all.filter((_, i) => i % shard.count === shard.index);
}

/** Batches of an epoch on a shard, given its sample count. */
export function epochBatchCount(samples: number, options: Pick<BatchOptions, 'batchSize' | 'dropRemainder'>): number {
  return options.dropRemainder ? Math.floor(samples / options.batchSize) : Math.ceil(samples / options.batchSize);
}

/** Samples on a shard. */
export function shardSize(size: number, shard: BatchOptions['shard']): number {
  if (!shard || shard.count === 1) return size;
  return Math.floor(size / shard.count) + (shard.index < size % shard.count ? 1 : 0);
}
