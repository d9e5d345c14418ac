import type * as tf from '@tensorflow/tfjs';
import type { Inputs } from '../trunk/trunk.js';
import { Registry } from '../util/registry.js';

/** Whether a larger or a smaller value of a metric is better. */
export type Direction = 'max' | 'min';

/**
 * A streaming metric: `update` once per batch, `result` at the end, `reset` before the next pass.
 * `predictions` are the task's activated outputs (probabilities for classification, values for regression);
 * `mask` [B] marks samples that carry this task's label (1) and those that do not (0).
 */
export interface Metric {
  readonly name: string;
  readonly direction: Direction;
  update(predictions: tf.Tensor, labels: tf.Tensor, mask?: tf.Tensor, context?: MetricContext): void;
  result(): number;
  reset(): void;
}

/** Extra batch data a metric may read (GAUC reads the user-id input). */
export interface MetricContext {
  readonly inputs: Inputs;
}

export type MetricFactory = (options?: Record<string, unknown>) => Metric;

export const metricRegistry = new Registry<MetricFactory>('metric');
