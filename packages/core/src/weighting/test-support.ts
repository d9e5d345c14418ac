import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.js';
import type { WeightingBuildContext, WeightingContext } from './weighting.js';

/** Small helpers for the weighting tests (no test-runner imports, so it type-checks with the sources). */
export function taskNames(T: number): string[] {
  return Array.from({ length: T }, (_, i) => `task${i}`);
}

export function buildContext(T: number, seed = 1): WeightingBuildContext {
  return { tasks: taskNames(T), seed };
}

export function stepContext(T: number, options: { step?: number; epoch?: number; rng?: Rng } = {}): WeightingContext {
  return { tasks: taskNames(T), step: options.step ?? 0, epoch: options.epoch ?? 0, rng: options.rng ?? new Rng(7) };
}

export function randomMatrix(rng: Rng, rows: number, cols: number): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => rng.normal()));
}

export function scalars(values: readonly number[]): tf.Scalar[] {
  return values.map((v) => tf.scalar(v));
}

export function dotRows(a: readonly number[], b: readonly number[]): number {
  return a.reduce((s, x, i) => s + x * b[i]!, 0);
}

export function matTimesVec(m: readonly (readonly number[])[], x: readonly number[]): number[] {
  return m.map((row) => dotRows(row, x));
}

export function gramOf(rows: readonly (readonly number[])[]): number[][] {
  return rows.map((a) => rows.map((b) => dotRows(a, b)));
}

/** Σ_t w_t rows_t in plain JS (float64 reference). */
export function combination(rows: readonly (readonly number[])[], w: readonly number[]): number[] {
  const out = new Array<number>(rows[0]!.length).fill(0);
  rows.forEach((r, t) => {
    r.forEach((x, d) => {
      out[d] = out[d]! + w[t]! * x;
    });
  });
  return out;
}
