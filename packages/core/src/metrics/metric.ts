import type * as tf from '@tensorflow/tfjs';
import type { RaggedTargets } from '../data/ragged.js';
import type { Inputs } from '../trunk/trunk.js';
import { Registry } from '../util/registry.js';

/** Whether a larger or a smaller value of a metric is better. */
export type Direction = 'max' | 'min';

/** What a metric sees of one batch of one task. */
export interface MetricInput {
  /** The task's activated outputs (probabilities for classification, values for regression). */
  readonly predictions: tf.Tensor;
  /** Dense labels of any rank; absent for tasks with ragged targets only. */
  readonly labels?: tf.Tensor;
  /** Per-sample [B] mask: 1 = the sample carries this task's label. */
  readonly mask?: tf.Tensor;
  /** Per-position mask of the labels' shape: 1 = a real position, 0 = padding. */
  readonly positionMask?: tf.Tensor;
  /** Raw variable-length targets (boxes + classes, spans). */
  readonly ragged?: RaggedTargets;
  /** The task's structured predictions per sample (its `decode`: tag sequences, spans, boxes), computed on first call. */
  readonly decoded?: () => readonly unknown[];
  /** The batch's inputs (GAUC reads the group ids). */
  readonly inputs?: Inputs;
}

/**
 * A streaming metric: `update` once per batch, `result` at the end, `reset` before the next pass. A metric may
 * report several named values from one pass (`{ map, map50, map75, 'ap/person' }`): each is reported under its own
 * name, all with the metric's direction.
 */
export interface Metric<R extends MetricResult = MetricResult> {
  readonly name: string;
  readonly direction: Direction;
  update(input: MetricInput): void;
  result(): R;
  reset(): void;
}

/** One value, or several named ones. */
export type MetricResult = number | Record<string, number>;

/** What a metric may know to name things: class or tag names, the domain's fitted preprocessing. */
export interface MetricBuildContext {
  /** Names of the classes (tags, entity types) by id, so per-class values can be reported by name. */
  readonly classNames?: readonly string[];
  readonly preprocessing?: unknown;
}

export type MetricFactory = (options?: Record<string, unknown>, context?: MetricBuildContext) => Metric;

export const metricRegistry = new Registry<MetricFactory>('metric');

/** The named values of a metric's result (a single value is named like the metric). */
export function metricValues(metric: Metric): Record<string, number> {
  const r = metric.result();
  return typeof r === 'number' ? { [metric.name]: r } : r;
}

/**
 * The names a fresh (not yet updated) metric reports its values under: its own name for a single value, the keys of
 * a multi-valued result (entity f1 / precision / recall, map / map50); none when it cannot report before any data.
 */
export function metricValueNames(metric: Metric): string[] {
  try {
    return Object.keys(metricValues(metric));
  } catch {
    return [];
  }
}
