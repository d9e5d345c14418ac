import { z } from 'zod';
import {
  argmaxRow,
  binaryLabel,
  classLabel,
  included,
  parseOptions,
  readClassification,
  readPerSample,
  type SampleView,
  sampleView,
} from './common.js';
import type { Metric, MetricInput } from './metric.js';

/**
 * How per-class scores are combined (sklearn's `average`, with `zero_division=0`):
 * - `binary`: the score of the positive class only (`positiveClass`, default 1).
 * - `micro`: from the summed TP / FP / FN of all classes (for single-label data this equals accuracy).
 * - `macro`: the unweighted mean over the classes that occur in the labels or the predictions seen so far
 *   (sklearn's `unique_labels(y_true, y_pred)`); a class that never occurs in either is left out, and a class that
 *   occurs only in the predictions scores 0. A 0/0 ratio scores 0 (`zero_division=0`).
 */
export type Average = 'micro' | 'macro' | 'binary';

export const ClassificationScoreOptions = z.strictObject({
  /** Default: `binary` for binary probabilities [B], `macro` for class probabilities [B, C]. */
  average: z.enum(['micro', 'macro', 'binary']).optional(),
  /** Binary inputs: a probability strictly above `threshold` predicts class 1. */
  threshold: z.number().min(0).max(1).default(0.5),
  /** The class scored by `average: 'binary'`. */
  positiveClass: z.number().int().min(0).default(1),
});
export type ClassificationScoreOptions = z.input<typeof ClassificationScoreOptions>;

export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

const ratio = (num: number, den: number): number => (den === 0 ? 0 : num / den);

/** Streaming per-class true-positive / false-positive / false-negative counts of single-label predictions. */
export class ConfusionCounts {
  private tp: number[] = [];
  private fp: number[] = [];
  private fn: number[] = [];
  private total = 0;
  private kind: 'binary' | 'multiclass' | undefined;

  constructor(
    private readonly metric: string,
    private readonly threshold = 0.5,
  ) {}

  /** `binary` or `multiclass` once a batch has been seen. */
  get inputKind(): 'binary' | 'multiclass' | undefined {
    return this.kind;
  }

  /** Samples counted so far. */
  get count(): number {
    return this.total;
  }

  update(input: MetricInput): void {
    const view = sampleView(this.metric, input);
    try {
      this.count_(view);
    } finally {
      view.release();
    }
  }

  private count_(view: SampleView): void {
    const batch = readClassification(this.metric, view.predictions);
    if (this.kind !== undefined && this.kind !== batch.kind) {
      throw new Error(`metric "${this.metric}": got ${batch.kind} predictions after ${this.kind} ones; reset() between tasks`);
    }
    this.kind = batch.kind;
    const y = readPerSample(this.metric, 'labels', view.labels, batch.n);
    const m = view.mask;
    for (let i = 0; i < batch.n; i++) {
      if (!included(m, i)) continue;
      let truth: number | undefined;
      let predicted: number;
      if (batch.kind === 'binary') {
        truth = binaryLabel(this.metric, y[i]!);
        predicted = batch.scores[i]! > this.threshold ? 1 : 0;
      } else {
        truth = classLabel(this.metric, y[i]!, batch.classes);
        predicted = argmaxRow(batch.probs, i, batch.classes);
      }
      if (truth === undefined) continue;
      this.total++;
      if (truth === predicted) {
        this.tp[truth] = (this.tp[truth] ?? 0) + 1;
      } else {
        this.fp[predicted] = (this.fp[predicted] ?? 0) + 1;
        this.fn[truth] = (this.fn[truth] ?? 0) + 1;
      }
    }
  }

  /** The averaging a metric without an explicit `average` uses for the inputs seen so far. */
  defaultAverage(): Average {
    return this.kind === 'multiclass' ? 'macro' : 'binary';
  }

  /** Precision, recall and F1 under `average`; all NaN when no sample has been counted. */
  scores(average: Average, positiveClass = 1): ClassScores {
    if (this.total === 0) return { precision: Number.NaN, recall: Number.NaN, f1: Number.NaN };
    const count = (a: number[], c: number): number => a[c] ?? 0;
    const perClass = (c: number): ClassScores => {
      const tp = count(this.tp, c);
      const fp = count(this.fp, c);
      const fn = count(this.fn, c);
      return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
    };
    const classes = Math.max(this.tp.length, this.fp.length, this.fn.length);
    const present: number[] = [];
    for (let c = 0; c < classes; c++) {
      if (count(this.tp, c) + count(this.fp, c) + count(this.fn, c) > 0) present.push(c);
    }
    if (average === 'binary') return perClass(positiveClass);
    if (average === 'micro') {
      let tp = 0;
      let fp = 0;
      let fn = 0;
      for (const c of present) {
        tp += count(this.tp, c);
        fp += count(this.fp, c);
        fn += count(this.fn, c);
      }
      return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn) };
    }
    let precision = 0;
    let recall = 0;
    let f1 = 0;
    for (const c of present) {
      const s = perClass(c);
      precision += s.precision;
      recall += s.recall;
      f1 += s.f1;
    }
    const k = present.length;
    return { precision: precision / k, recall: recall / k, f1: f1 / k };
  }

  reset(): void {
    this.tp = [];
    this.fp = [];
    this.fn = [];
    this.total = 0;
    this.kind = undefined;
  }
}

/**
 * Builds the `precision` / `recall` / `f1` metric. Its name is `base` for binary averaging or when `average` is not
 * given (so the name is known before the first batch; the value then uses `binary` for [B] inputs and `macro` for
 * [B, C] inputs), and `${base}_${average}` for an explicit `micro` or `macro` (e.g. `f1_macro`, `precision_micro`).
 */
export function createClassificationScore(base: keyof ClassScores, options: Record<string, unknown> | undefined): Metric<number> {
  const o = parseOptions(base, ClassificationScoreOptions, options);
  const counts = new ConfusionCounts(base, o.threshold);
  const name = o.average === undefined || o.average === 'binary' ? base : `${base}_${o.average}`;
  return {
    name,
    direction: 'max',
    update: (input) => counts.update(input),
    result: () => counts.scores(o.average ?? counts.defaultAverage(), o.positiveClass)[base],
    reset: () => counts.reset(),
  };
}
