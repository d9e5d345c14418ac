import {
  type Batch,
  type BatchOptions,
  type CollateOptions,
  collateSamples,
  type DataSpec,
  type Dataset,
  epochBatchCount,
  epochOrder,
  Rng,
  type Sample,
  shardSize,
} from '@polytask/core';

/**
 * Sentences batched with others of similar length, so a batch pads little and the recurrences (BiLSTM, CRF) run over
 * few padded steps: each epoch's seeded order (core's `epochOrder`, shards included) is cut into windows of
 * `window` batches, each window sorted by length and cut into batches, and the batches shuffled (by seed and epoch).
 * Every sample appears once per epoch; the batches of an epoch depend only on (seed, epoch, shard), so `startBatch`
 * resumes at the same batch.
 */
export class LengthBucketedDataset implements Dataset {
  readonly size: number;

  constructor(
    private readonly samples: readonly Sample[],
    private readonly lengths: Int32Array,
    readonly spec: DataSpec,
    private readonly collateOptions: CollateOptions = {},
    private readonly window = 50,
  ) {
    this.size = samples.length;
  }

  batchCount(options: BatchOptions): number {
    return epochBatchCount(shardSize(this.size, options.shard), options);
  }

  /** The sample indices of each batch of an epoch. */
  epochBatches(options: BatchOptions): Int32Array[] {
    const order = epochOrder(this.size, options);
    const span = options.batchSize * this.window;
    const batches: Int32Array[] = [];
    for (let w = 0; w < order.length; w += span) {
      const part = Array.from(order.subarray(w, Math.min(w + span, order.length)));
      part.sort((a, b) => this.lengths[a]! - this.lengths[b]!);
      for (let b = 0; b < part.length; b += options.batchSize) batches.push(Int32Array.from(part.slice(b, b + options.batchSize)));
    }
    if (options.shuffle) Rng.derive(options.seed ?? 0, options.epoch ?? 0, 0xb0c).shuffle(batches);
    const count = this.batchCount(options);
    return options.dropRemainder ? batches.filter((b) => b.length === options.batchSize).slice(0, count) : batches;
  }

  *batches(options: BatchOptions): Iterable<Batch> {
    const all = this.epochBatches(options);
    for (let b = options.startBatch ?? 0; b < all.length; b++) {
      yield collateSamples(
        Array.from(all[b]!, (i) => this.samples[i]!),
        this.collateOptions,
      );
    }
  }
}
