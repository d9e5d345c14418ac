import { InMemoryDataset } from '../data/in-memory-dataset.js';
import { Rng } from '../util/rng.js';

export interface TwoTaskOptions {
  readonly samples: number;
  readonly features?: number;
  readonly seed?: number;
  /** Fraction of samples whose label of task `b` is missing (masked). */
  readonly missingB?: number;
}

/**
 * A two-task problem with a known shared structure: both labels are functions of the same 2-d projection
 * z = W x of the features. Task `a` (binary) is 1 when z₀ + z₁ > 0; task `b` (regression) is z₀ − z₁.
 * A shared trunk that recovers z solves both; the Bayes-optimal accuracy of `a` is 1 and the MSE of `b` is 0.
 */
export function twoTaskProblem(options: TwoTaskOptions): InMemoryDataset {
  const d = options.features ?? 8;
  const rng = new Rng(options.seed ?? 1);
  const projection = Array.from({ length: 2 * d }, () => rng.normal() / Math.sqrt(d));
  const n = options.samples;
  const x = new Float32Array(n * d);
  const a = new Float32Array(n);
  const b = new Float32Array(n);
  const maskB = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let z0 = 0;
    let z1 = 0;
    for (let j = 0; j < d; j++) {
      const v = rng.normal();
      x[i * d + j] = v;
      z0 += projection[j]! * v;
      z1 += projection[d + j]! * v;
    }
    a[i] = z0 + z1 > 0 ? 1 : 0;
    b[i] = z0 - z1;
    maskB[i] = rng.next() < (options.missingB ?? 0) ? 0 : 1;
  }
  return new InMemoryDataset({
    inputs: { x: { data: x, shape: [d] } },
    labels: { a: { data: a, shape: [] }, b: { data: b, shape: [] } },
    masks: options.missingB ? { b: maskB } : undefined,
  });
}
