import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { activatedHead } from '../export/task-outputs.js';
import { type Metric, type MetricBuildContext, metricRegistry } from '../metrics/metric.js';
import { Registry } from '../util/registry.js';
import { meanAbsoluteError, meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';
import { keptPositions, type TaskSpec, type TaskTargets } from './task-spec.js';

export const MetricSpec = z.union([
  z.string(),
  z.strictObject({ name: z.string(), options: z.record(z.string(), z.unknown()).optional() }),
]);
export type MetricSpec = z.infer<typeof MetricSpec>;

/** The keys every task config has; a task kind adds its own (see `TaskKind.options`). */
const CommonTaskConfig = z.object({
  name: z.string().min(1),
  type: z.string().default('binary'),
  metrics: z.array(MetricSpec).optional(),
  head: z
    .strictObject({ type: z.string().default('mlp'), options: z.record(z.string(), z.unknown()).default({}) })
    .default({ type: 'mlp', options: {} }),
  /** Key of the labels in a batch; default the task name. */
  label: z.string().optional(),
});
const COMMON_KEYS = new Set(Object.keys(CommonTaskConfig.shape));

/**
 * Config of one task: the common keys plus the options of its kind (`type`, looked up in the task registry), which
 * the kind validates strictly — an unknown or misspelled key is an error naming the field.
 */
export const TaskConfig = CommonTaskConfig.catchall(z.unknown()).superRefine((config, ctx) => {
  const kind = taskRegistry.has(config.type) ? taskRegistry.get(config.type) : undefined;
  if (!kind) {
    ctx.addIssue({
      code: 'custom',
      path: ['type'],
      message: taskRegistry.unknownMessage(config.type),
    });
    return;
  }
  const parsed = kind.options.safeParse(kindOptions(config));
  if (!parsed.success) for (const issue of parsed.error.issues) ctx.addIssue({ ...issue } as z.core.$ZodRawIssue);
});
export type TaskConfig = z.input<typeof TaskConfig>;
export type ParsedTaskConfig = z.infer<typeof CommonTaskConfig>;

/** A kind's view of a task config: the common keys and its own options, parsed. */
export type KindConfig<O extends z.ZodType> = string extends keyof z.infer<O> ? ParsedTaskConfig : ParsedTaskConfig & z.infer<O>;

/** Facts a task may use to name things in metrics and decoded output (class and tag names, fitted preprocessing). */
export interface TaskBuildContext extends MetricBuildContext {}

/** A task kind: its own options (a strict zod object) and how a task is built from a config. */
export interface TaskKind {
  readonly options: z.ZodType;
  /** Receives the common keys and the kind's own options, already parsed with `options`. */
  create(config: ParsedTaskConfig & Record<string, unknown>, context?: TaskBuildContext): TaskSpec;
}

/** Defines a task kind with typed options (for `taskRegistry.register`). */
export function taskKind<O extends z.ZodType>(
  options: O,
  create: (config: KindConfig<O>, context?: TaskBuildContext) => TaskSpec,
): TaskKind {
  return { options, create: create as TaskKind['create'] };
}

export const taskRegistry = new Registry<TaskKind>('task type');

function kindOptions(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k]) => !COMMON_KEYS.has(k)));
}

export function createMetrics(specs: readonly MetricSpec[], context: MetricBuildContext = {}): Metric[] {
  return specs.map((s) =>
    typeof s === 'string' ? metricRegistry.get(s)(undefined, context) : metricRegistry.get(s.name)(s.options, context),
  );
}

/** Builds a task from config through the task registry (the kind validates its own options). */
export function createTask(config: TaskConfig, context?: TaskBuildContext): TaskSpec {
  const common = CommonTaskConfig.parse(config);
  const kind = taskRegistry.get(common.type);
  const own = kind.options.safeParse(kindOptions(config as Record<string, unknown>));
  if (!own.success) {
    const problems = own.error.issues.map((issue) => {
      const field = issue.code === 'unrecognized_keys' ? issue.keys.join(', ') : issue.path.join('.');
      return `field "${field}": ${issue.message}`;
    });
    throw new Error(`task "${common.name}" (${common.type}): ${problems.join('; ')}`);
  }
  return kind.create({ ...common, ...(own.data as object) }, context);
}

function round(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

function labelsOf(task: string, t: TaskTargets): tf.Tensor {
  if (!t.labels) throw new Error(`task "${task}": the batch has no dense labels`);
  return t.labels;
}

export const BinaryOptions = z.strictObject({});

/** Binary classification on one logit (per sample, or per position); predictions are probabilities. */
export function binaryTask(c: KindConfig<typeof BinaryOptions>, context?: TaskBuildContext): TaskSpec {
  const metrics = c.metrics ?? ['auc', 'logloss', 'accuracy'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: 1 },
    loss: (out, t) => {
      const labels = labelsOf(c.name, t);
      return sigmoidCrossEntropy(out, labels, keptPositions(t, labels.shape));
    },
    activate: (out) => tf.sigmoid(out.rank >= 2 && out.shape[out.rank - 1] === 1 ? out.squeeze([out.rank - 1]) : out),
    exportOutput: activatedHead('sigmoid'), // Keras export
    decode: (p) => Array.from(p.dataSync(), round),
    createMetrics: () => createMetrics(metrics, context),
  };
}

export const MulticlassOptions = z.strictObject({
  /** Number of classes. */
  classes: z.number().int().min(2),
});

/**
 * Single-label classification over `classes` classes, per sample ([B] labels) or per position ([B, T] tokens,
 * [B, H, W] pixels); negative labels are ignored. Predictions are class probabilities.
 */
export function multiclassTask(c: KindConfig<typeof MulticlassOptions>, context?: TaskBuildContext): TaskSpec {
  const metrics = c.metrics ?? ['accuracy', { name: 'f1', options: { average: 'macro' } }];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: c.classes },
    loss: (out, t) => {
      const labels = labelsOf(c.name, t);
      return softmaxCrossEntropy(out, labels, keptPositions(t, labels.shape));
    },
    activate: (out) => tf.softmax(out),
    exportOutput: activatedHead('softmax'), // Keras export
    decode: (p) => {
      const ids = tf.tidy(() => tf.argMax(p, -1));
      const flat = Array.from(ids.dataSync());
      const shape = ids.shape;
      ids.dispose();
      if (shape.length <= 1) return flat;
      const per = flat.length / shape[0]!;
      return Array.from({ length: shape[0]! }, (_, i) => flat.slice(i * per, (i + 1) * per));
    },
    createMetrics: () => createMetrics(metrics, context),
  };
}

export const RegressionOptions = z.strictObject({
  /** Number of values predicted per sample. */
  outputs: z.number().int().positive().default(1),
});

/** Regression of `outputs` values with mean squared error. */
export function regressionTask(c: KindConfig<typeof RegressionOptions>, context?: TaskBuildContext): TaskSpec {
  const outputs = c.outputs;
  const metrics = c.metrics ?? ['mse', 'mae'];
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type, options: c.head.options, outputUnits: outputs },
    loss: (out, t) => meanSquaredError(out, labelsOf(c.name, t), t.mask),
    activate: (out) => (outputs === 1 ? out.reshape([-1]) : out),
    exportOutput: activatedHead('linear'), // Keras export
    decode: (p) => {
      const values = Array.from(p.dataSync(), round);
      if (outputs === 1) return values;
      return Array.from({ length: values.length / outputs }, (_, i) => values.slice(i * outputs, (i + 1) * outputs));
    },
    createMetrics: () => createMetrics(metrics, context),
  };
}

/** Regression trained on mean absolute error (robust to outliers). */
export function l1RegressionTask(c: KindConfig<typeof RegressionOptions>, context?: TaskBuildContext): TaskSpec {
  return { ...regressionTask(c, context), loss: (out, t) => meanAbsoluteError(out, labelsOf(c.name, t), t.mask) };
}

taskRegistry.register('binary', taskKind(BinaryOptions, binaryTask));
taskRegistry.register('multiclass', taskKind(MulticlassOptions, multiclassTask));
taskRegistry.register('regression', taskKind(RegressionOptions, regressionTask));
taskRegistry.register('regression-l1', taskKind(RegressionOptions, l1RegressionTask));
