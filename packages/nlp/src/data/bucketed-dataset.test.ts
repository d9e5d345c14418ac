import { disposeBatch, type Sample } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LengthBucketedDataset } from './bucketed-dataset.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 103;
const lengths = Int32Array.from({ length: N }, (_, i) => 1 + ((i * 37) % 23));
const samples: Sample[] = Array.from(lengths, (n, i) => ({
  inputs: { words: { data: new Int32Array(n).fill(i + 1), shape: [n] } },
  labels: { tags: { data: new Int32Array(n), shape: [n] } },
}));
const ds = new LengthBucketedDataset(
  samples,
  lengths,
  { inputs: { words: { shape: [-1], dtype: 'int32' } } },
  { positionMasks: ['tags'] },
  4,
);

describe('LengthBucketedDataset', () => {
  it('every sample once per epoch, batches of similar length, seeded by (seed, epoch)', () => {
    const options = { batchSize: 8, shuffle: true, seed: 5, epoch: 2 };
    const batches = ds.epochBatches(options);
    expect(batches).toHaveLength(ds.batchCount(options));
    expect(batches.flatMap((b) => Array.from(b)).sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    // within a window of 4 batches lengths are sorted, so a batch spans a narrow range (random batches of 8 of
    // lengths 1–23 span about 18; the window-tail batch of the last 7 samples may span more)
    const spread = batches.map((b) => Math.max(...Array.from(b, (i) => lengths[i]!)) - Math.min(...Array.from(b, (i) => lengths[i]!)));
    expect(spread.reduce((a, b) => a + b, 0) / spread.length).toBeLessThan(9);
    expect(ds.epochBatches(options)).toEqual(batches);
    expect(ds.epochBatches({ ...options, epoch: 3 })).not.toEqual(batches);
  });

  it('startBatch resumes at the same batch; shards are disjoint', () => {
    const options = { batchSize: 8, shuffle: true, seed: 1, epoch: 0 };
    const first = [...ds.batches(options)].map((b) => {
      const ids = Array.from(b.inputs.words!.dataSync());
      disposeBatch(b);
      return ids;
    });
    const resumed = [...ds.batches({ ...options, startBatch: 5 })].map((b) => {
      const ids = Array.from(b.inputs.words!.dataSync());
      disposeBatch(b);
      return ids;
    });
    expect(resumed).toEqual(first.slice(5));
    const a = ds.epochBatches({ ...options, shard: { index: 0, count: 2 } }).flatMap((b) => Array.from(b));
    const b = ds.epochBatches({ ...options, shard: { index: 1, count: 2 } }).flatMap((x) => Array.from(x));
    expect(a.filter((i) => b.includes(i))).toEqual([]);
    expect(a.length + b.length).toBe(N);
  });
});
