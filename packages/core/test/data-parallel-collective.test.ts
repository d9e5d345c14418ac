// DataParallel over a Collective (here shared memory between worker threads; MPI in production) ends three steps where
// one process with the whole batch ends, where plain gradient averaging does not: uneven shards (a 23-sample batch
// over 2 and 3 ranks), a task with unlabelled samples, a weighting nonlinear in the losses (GLS, UW's own parameters),
// the per-task matrix in parameter mode (PCGrad), and representation-mode methods that need the whole batch's
// representation gradients (MGDA, GradDrop).
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { type RankData, sharedBytes, steps } from './data-parallel-collective-worker.js';

const BATCH = 23;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

type Result = ReturnType<typeof steps>;

function runRanks(size: number, weighting: string, mode?: 'parameters' | 'representation'): Promise<Result[]> {
  const shared = new SharedArrayBuffer(sharedBytes(size));
  return Promise.all(
    Array.from({ length: size }, (_, rank) => {
      const data: RankData = { rank, size, shared, weighting, mode, batch: BATCH };
      const worker = new Worker(new URL('./ts-worker.mjs', import.meta.url), {
        workerData: { ...data, entry: new URL('./data-parallel-collective-worker.ts', import.meta.url).href },
        execArgv: ['--conditions=@polytask/source'],
      });
      return new Promise<Result>((resolve, reject) => {
        worker.once('message', (values: Result) => {
          resolve(values);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    }),
  );
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);

const cases: Array<[string, 'parameters' | 'representation' | undefined, number]> = [
  ['GLS', undefined, 2],
  ['UW', undefined, 3],
  ['PCGrad', 'parameters', 3],
  ['MGDA', 'representation', 2],
  ['GradDrop', 'representation', 3],
];

describe('DataParallel over a Collective', () => {
  it.each(cases)(
    '%s (%s mode) on %i ranks: the one-process parameters after three steps, no tensor leaked',
    { timeout: 120_000 },
    async (weighting, mode, size) => {
      const full = steps(
        Array.from({ length: BATCH }, (_, i) => i),
        weighting,
        mode,
      ).after;
      for (const { after, tensors } of await runRanks(size, weighting, mode)) {
        expect(after.length).toBe(full.length);
        expect(maxDiff(after, full)).toBeLessThan(1e-5);
        expect(tensors[1]).toBe(tensors[0]);
      }
    },
  );
});
