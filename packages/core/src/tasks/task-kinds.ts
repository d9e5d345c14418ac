import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { activatedHead } from '../export/task-outputs.js';
import { type Metric, metricRegistry } from '../metrics/metric.js';
import { Registry } from '../util/registry.js';
import { meanAbsoluteError, meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';
import type { TaskSpec } from './task-spec.js';

export const MetricSpec = z.union([z.string(), z.object({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() })]);
export type MetricSpec = z.infer<typeof MetricSpec>;

/** Config of one task; `type` picks the kind from the task registry. */
export const TaskConfig = z.object({
  name: z.string().min(1),
  type: z.string().default('binary'),
  /** Number of classes (multiclass) or output values (regression). */
  classes: z.number().int().positive().optional(),
  outputs: z.number().int().positive().optional(),
  metrics: z.array(MetricSpec).optional(),
  head: z
    .object({ type: z.string().default('mlp'), options: z.record(z.string(), z.unknown()).default({}) })
    .default({ type: 'mlp', options: {} }),
  label: z.string().optional(),
});
export type TaskConfig = z.input<typeof TaskConfig>;

export type TaskKind = (config: z.infer<typeof TaskConfig>) => TaskSpec;

export const taskRegistry = new Registry<TaskKind>('task type');

export function createMetrics(specs: readonly MetricSpec[]): Metric[] {
  return specs.map((s) => (typeof s === 'string' ? metricRegistry.get(s)() : metricRegistry.get(s.name)(s.options)));
}

/** Builds a task from config through the task registry. */
export function createTask(config: TaskConfig): TaskSpec {
  const parsed = TaskConfig.parse(config);
  return taskRegistry.get(parsed.type)(parsed);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Binary classification on one logit; predictions are probabilities. */
export function binaryTask(c: z.infer<typeof TaskConfig>): TaskSpec {
  const metrics = c.metrics ?? ['auc', 'logloss', 'accuracy'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: 1 },
    loss: (out, labels, mask) => sigmoidCrossEntropy(out, labels, mask),
    activate: (out) => tf.sigmoid(out.reshape([-1])),
    exportOutput: activatedHead('sigmoid'), // Keras export
    decode: (p) => Array.from(p.dataSync(), round),
    createMetrics: () => createMetrics(metrics),
  };
}

/** Single-label classification over `classes` classes; predictions are class probabilities. */
export function multiclassTask(c: z.infer<typeof TaskConfig>): TaskSpec {
  if (!c.classes) throw new Error(`task "${c.name}": multiclass needs "classes"`);
  const classes = c.classes;
  const metrics = c.metrics ?? ['accuracy', { name: 'f1', options: { average: 'macro' } }];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: classes },
    loss: (out, labels, mask) => softmaxCrossEntropy(out, labels, mask),
    activate: (out) => tf.softmax(out),
    exportOutput: activatedHead('softmax'), // Keras export
    decode: (p) => {
      const ids = tf.tidy(() => tf.argMax(p, -1));
      const result = Array.from(ids.dataSync());
      ids.dispose();
      return result;
    },
    createMetrics: () => createMetrics(metrics),
  };
}

/** Regression of `outputs` values with mean squared error. */
export function regressionTask(c: z.infer<typeof TaskConfig>): TaskSpec {
  const outputs = c.outputs ?? 1;
  const metrics = c.metrics ?? ['mse', 'mae'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: outputs },
    loss: (out, labels, mask) => meanSquaredError(out, labels, mask),
    activate: (out) => (outputs === 1 ? out.reshape([-1]) : out),
    exportOutput: activatedHead('linear'), // Keras export
    decode: (p) => {
      const values = Array.from(p.dataSync(), round);
      if (outputs === 1) return values;
      return Array.from({ length: values.length / outputs }, (_, i) => values.slice(i * outputs, (i + 1) * outputs));
    },
    createMetrics: () => createMetrics(metrics),
  };
}

/** Regression trained on mean absolute error (robust to outliers). */
export function l1RegressionTask(c: z.infer<typeof TaskConfig>): TaskSpec {
  return { ...regressionTask(c), loss: (out, labels, mask) => meanAbsoluteError(out, labels, mask) };
}

taskRegistry.register('binary', binaryTask);
taskRegistry.register('multiclass', multiclassTask);
taskRegistry.register('regression', regressionTask);
taskRegistry.register('regression-l1', l1RegressionTask);
