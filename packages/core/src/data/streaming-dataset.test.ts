import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Sample } from './collate.js';
import { disposeBatch } from './dataset.js';
import { InMemoryDataset } from './in-memory-dataset.js';
import { StreamingDataset } from './streaming-dataset.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const N = 23;
const sample = (i: number): Sample => ({
  inputs: { x: { data: Float32Array.of(i), shape: [] } },
  labels: { y: { data: Float32Array.of(i), shape: [] } },
});

/** A streaming set over N samples that records which samples were read and how many reads overlap. */
function tracked(prefetch = 2) {
  const reads: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const ds = new StreamingDataset({
    size: N,
    spec: { inputs: { x: { shape: [], dtype: 'float32' } } },
    prefetch,
    read: async (i) => {
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await new Promise((r) => setTimeout(r, 1));
      inFlight -= 1;
      reads.push(i);
      return sample(i);
    },
  });
  return { ds, reads, maxInFlight: () => maxInFlight };
}

async function ids(ds: StreamingDataset, options: Parameters<StreamingDataset['batches']>[0]): Promise<number[][]> {
  const out: number[][] = [];
  for await (const b of ds.batches(options)) {
    out.push(Array.from(b.labels.y!.dataSync()));
    disposeBatch(b);
  }
  return out;
}

describe('StreamingDataset', () => {
  const memory = new InMemoryDataset({
    inputs: { x: { data: Float32Array.from({ length: N }, (_, i) => i), shape: [] } },
    labels: { y: { data: Float32Array.from({ length: N }, (_, i) => i), shape: [] } },
  });

  it('follows the in-memory order for (seed, epoch) and shard, so both readers train alike', async () => {
    const { ds } = tracked();
    for (const shard of [undefined, { index: 1, count: 3 }]) {
      const options = { batchSize: 4, shuffle: true, seed: 9, epoch: 2, shard };
      const expected = [...memory.batches(options)].map((b) => {
        const v = Array.from(b.labels.y!.dataSync());
        disposeBatch(b);
        return v;
      });
      expect(await ids(ds, options)).toEqual(expected);
      expect(ds.batchCount(options)).toBe(memory.batchCount(options));
    }
  });

  it('an epoch interrupted mid-way resumes at the same batch, without reading the batches before it', async () => {
    const options = { batchSize: 5, shuffle: true, seed: 4, epoch: 1 };
    const full = await ids(tracked().ds, options);
    // Interrupted after 2 batches: the consumer stops early (reads in flight settle quietly).
    const first = tracked();
    const seen: number[][] = [];
    for await (const b of first.ds.batches(options)) {
      seen.push(Array.from(b.labels.y!.dataSync()));
      disposeBatch(b);
      if (seen.length === 2) break;
    }
    const resumed = tracked();
    const rest = await ids(resumed.ds, { ...options, startBatch: 2 });
    expect([...seen, ...rest]).toEqual(full);
    expect(resumed.reads.sort((a, b) => a - b)).toEqual(
      full
        .slice(2)
        .flat()
        .sort((a, b) => a - b),
    );
  });

  it('reads ahead at most `prefetch` batches and holds nothing after the epoch', async () => {
    const t = tracked(2);
    const before = tf.memory().numTensors;
    expect((await ids(t.ds, { batchSize: 4 })).flat()).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(t.maxInFlight()).toBeLessThanOrEqual(2 * 4);
    expect(t.maxInFlight()).toBeGreaterThan(4); // the next batch is read while the current one is consumed
    expect(tf.memory().numTensors).toBe(before);
  });
});
