// The Reducer seam, exercised as data parallelism will use it: two ranks (worker threads), each with half of the
// batch and a shared-memory all-reduce, must end one step exactly where one process with the whole batch ends.
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { localReducer } from '../src/index.js';
import { type RankData, SLOT, stepOnce } from './data-parallel-worker.js';

const SAMPLES_PER_RANK = 16;
const RANKS = 2;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function runRanks(weighting: string, mode?: 'parameters' | 'representation'): Promise<Float32Array[]> {
  const shared = new SharedArrayBuffer(8 + RANKS * SLOT * 8);
  return Promise.all(
    Array.from({ length: RANKS }, (_, rank) => {
      const data: RankData = { rank, size: RANKS, shared, weighting, mode, samplesPerRank: SAMPLES_PER_RANK };
      const worker = new Worker(new URL('./ts-worker.mjs', import.meta.url), {
        workerData: { ...data, entry: new URL('./data-parallel-worker.ts', import.meta.url).href },
        execArgv: ['--conditions=@polytask/source'],
      });
      return new Promise<Float32Array>((resolve, reject) => {
        worker.once('message', (values: Float32Array) => {
          resolve(values);
          void worker.terminate();
        });
        worker.once('error', reject);
      });
    }),
  );
}

const cases: Array<[string, 'parameters' | 'representation' | undefined]> = [
  ['EW', undefined], // loss mode: gradients averaged
  ['PCGrad', 'parameters'], // the per-task matrix averaged before a nonlinear combination
  ['sum', 'representation'], // combined per rank, then the parameter gradients averaged
];

describe('data-parallel JointStep through the Reducer', () => {
  it.each(cases)('%s (%s mode): two half-batch ranks reach the full-batch parameters', { timeout: 120_000 }, async (weighting, mode) => {
    const full = stepOnce(
      Array.from({ length: RANKS * SAMPLES_PER_RANK }, (_, i) => i),
      weighting,
      mode,
      localReducer,
    );
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
    expect(maxDiff(full.after, full.before)).toBeGreaterThan(1e-3); // the step moves the parameters
    for (const values of await runRanks(weighting, mode)) {
      expect(values.length).toBe(full.after.length);
      expect(maxDiff(values, full.after)).toBeLessThan(1e-5);
    }
  });
});
