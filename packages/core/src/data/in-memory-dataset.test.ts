import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeBatch } from './dataset.js';
import { InMemoryDataset, splitIndices } from './in-memory-dataset.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ds = new InMemoryDataset({
  inputs: { x: { data: Float32Array.from({ length: 20 }, (_, i) => i), shape: [2] } },
  labels: { y: { data: Float32Array.from({ length: 10 }, (_, i) => i), shape: [] } },
  masks: { y: Float32Array.from({ length: 10 }, (_, i) => i % 2) },
});

function ids(options: Parameters<typeof ds.batches>[0]): number[][] {
  return [...ds.batches(options)].map((b) => {
    const v = Array.from(b.labels.y!.dataSync());
    disposeBatch(b);
    return v;
  });
}

describe('InMemoryDataset', () => {
  it('batches rows with their masks', () => {
    const [b] = [...ds.batches({ batchSize: 3 })];
    expect(Array.from(b!.inputs.x!.dataSync())).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(b!.masks.y!.dataSync())).toEqual([0, 1, 0]);
    disposeBatch(b!);
    expect(ds.batchCount({ batchSize: 3 })).toBe(4);
    expect(ds.batchCount({ batchSize: 3, dropRemainder: true })).toBe(3);
  });

  it('seeded shuffles repeat per (seed, epoch) and differ across epochs', () => {
    const a = ids({ batchSize: 10, shuffle: true, seed: 1, epoch: 0 });
    expect(ids({ batchSize: 10, shuffle: true, seed: 1, epoch: 0 })).toEqual(a);
    expect(ids({ batchSize: 10, shuffle: true, seed: 1, epoch: 1 })).not.toEqual(a);
    expect([...a[0]!].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('startBatch resumes mid-epoch; shards are disjoint and cover the epoch', () => {
    const all = ids({ batchSize: 3, shuffle: true, seed: 2, epoch: 0 });
    expect(ids({ batchSize: 3, shuffle: true, seed: 2, epoch: 0, startBatch: 2 })).toEqual(all.slice(2));
    const s0 = ids({ batchSize: 10, shuffle: true, seed: 2, epoch: 0, shard: { index: 0, count: 2 } })[0]!;
    const s1 = ids({ batchSize: 10, shuffle: true, seed: 2, epoch: 0, shard: { index: 1, count: 2 } })[0]!;
    expect([...s0, ...s1].sort((p, q) => p - q)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('splitIndices is deterministic and partitions', () => {
    const s = splitIndices(100, { train: 0.8, valid: 0.1, test: 0.1 }, 7);
    expect(s.train!.length).toBe(80);
    expect(s.test!.length).toBe(10);
    expect(new Set([...s.train!, ...s.valid!, ...s.test!]).size).toBe(100);
    expect(splitIndices(100, { train: 0.8, valid: 0.1, test: 0.1 }, 7)).toEqual(s);
  });
});
