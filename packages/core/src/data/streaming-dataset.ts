import type { DataSpec } from '../trunk/trunk.js';
import { type CollateOptions, collateSamples, type Sample } from './collate.js';
import type { Batch, BatchOptions, Dataset } from './dataset.js';
import { epochBatchCount, epochOrder, shardSize } from './sample-order.js';

export interface StreamingDatasetOptions {
  /** Number of samples (an index of files or lines, known up front; the samples themselves are read on demand). */
  readonly size: number;
  readonly spec: DataSpec;
  /** Reads and decodes sample `index` (a file through sharp, a line of text); may be async. */
  read(index: number): Sample | Promise<Sample>;
  /** Samples → batch (default `collateSamples`: pad each batch to its own longest sample). */
  collate?(samples: Sample[]): Batch;
  readonly collateOptions?: CollateOptions;
  /** Batches read ahead of the consumer (default 2). */
  readonly prefetch?: number;
}

/**
 * A dataset read and decoded on the fly, never held in memory: batches follow the same seeded order as
 * `InMemoryDataset` (a permutation of (seed, epoch), shards take every n-th sample), so a resumed run's `startBatch`
 * replays exactly the batches an uninterrupted run would have seen, without reading the skipped ones. While the
 * consumer trains on one batch, the next `prefetch` batches are being read.
 */
export class StreamingDataset implements Dataset {
  readonly size: number;
  readonly spec: DataSpec;

  constructor(readonly options: StreamingDatasetOptions) {
    this.size = options.size;
    this.spec = options.spec;
  }

  batchCount(options: BatchOptions): number {
    return epochBatchCount(shardSize(this.size, options.shard), options);
  }

  async *batches(options: BatchOptions): AsyncIterable<Batch> {
    const order = epochOrder(this.size, options);
    const count = this.batchCount(options);
    const ahead = Math.max(1, this.options.prefetch ?? 2);
    const read = (b: number) => this.readBatch(order.subarray(b * options.batchSize, Math.min((b + 1) * options.batchSize, order.length)));
    const pending: Array<Promise<Sample[]>> = [];
    let next = options.startBatch ?? 0;
    const fill = () => {
      while (pending.length < ahead && next < count) pending.push(read(next++));
    };
    fill();
    try {
      while (pending.length > 0) {
        const samples = await pending.shift()!;
        fill();
        yield (this.options.collate ?? ((s: Sample[]) => collateSamples(s, this.options.collateOptions)))(samples);
      }
    } finally {
      // A consumer that stops early (interrupt, batchesPerEpoch) leaves reads in flight: let them settle quietly.
      for (const p of pending) p.catch(() => {});
    }
  }

  private readBatch(indices: Int32Array): Promise<Sample[]> {
    return Promise.all(Array.from(indices, (i) => this.options.read(i)));
  }
}
