import { z } from 'zod';
import { TaskConfig } from '../tasks/task-kinds.js';

const Component = z.strictObject({
  type: z.string(),
  options: z.record(z.string(), z.unknown()).default({}),
});

export const OptimizerConfig = z.strictObject({
  name: z.enum(['adam', 'adamw', 'sgd']).default('adam'),
  lr: z.number().positive().default(1e-3),
  /** Decoupled weight decay (adamw) or L2 added to the gradient (adam, sgd). */
  weightDecay: z.number().min(0).default(0),
  momentum: z.number().min(0).max(1).default(0.9),
  beta1: z.number().min(0).max(1).default(0.9),
  beta2: z.number().min(0).max(1).default(0.999),
  epsilon: z.number().positive().default(1e-8),
});

export const ScheduleConfig = z.strictObject({
  name: z.enum(['constant', 'step', 'cosine']).default('constant'),
  /** Linear warm-up from 0 over this many steps. */
  warmupSteps: z.number().int().min(0).default(0),
  /** step: multiply by gamma every `stepEpochs` epochs. */
  stepEpochs: z.number().int().positive().default(10),
  gamma: z.number().positive().default(0.5),
  /** cosine: the floor as a fraction of the base LR. */
  minFactor: z.number().min(0).max(1).default(0),
});

export const EarlyStoppingConfig = z.strictObject({
  /** `<task>/<metric>` on the validation split, or `delta_m` / `loss`. */
  monitor: z.string(),
  mode: z.enum(['max', 'min']).optional(),
  /** Stop once this many epochs in a row have not improved the monitor (Keras semantics; 0 acts as 1). */
  patience: z.number().int().min(0).default(3),
  minDelta: z.number().min(0).default(0),
});

export const TrainConfig = z.strictObject({
  epochs: z.number().int().positive().default(10),
  batchSize: z.number().int().positive().default(256),
  /** Cap on batches per epoch (quick runs); 0 = all. */
  batchesPerEpoch: z.number().int().min(0).default(0),
  evalBatchSize: z.number().int().positive().default(4096),
  optimizer: OptimizerConfig.default(OptimizerConfig.parse({})),
  schedule: ScheduleConfig.default(ScheduleConfig.parse({})),
  /** Clip the global gradient norm; 0 = off. */
  clipNorm: z.number().min(0).default(0),
  weighting: z
    .strictObject({ name: z.string().default('EW'), options: z.record(z.string(), z.unknown()).default({}) })
    .default({ name: 'EW', options: {} }),
  /** Gradient methods: 'parameters' or 'representation'; default the method's first valid mode. */
  gradientMode: z.enum(['parameters', 'representation']).optional(),
  /** Log the pairwise cosine of task gradients every N steps (0 = never). */
  gradientCosineEvery: z.number().int().min(0).default(50),
  /** Best-checkpoint selection and early stopping; default: first metric of the first task. */
  earlyStopping: EarlyStoppingConfig.optional(),
  /** Train one task alone (a single-task baseline) from the same config. */
  singleTask: z.string().optional(),
  /**
   * Single-task baselines, `{ task: { metric: value } }` (from `--single-task` runs' metrics.json): adds Δm to the
   * validation logs (monitor "delta_m") and to metrics.json.
   */
  baselines: z.record(z.string(), z.record(z.string(), z.number())).optional(),
  /**
   * A non-finite loss or gradient: `stop` ends the run (exit 1, the last checkpoint kept), `skip` drops that update
   * (as mixed-precision loss scalers do), counts it and stops only after `maxSkippedSteps` in a row.
   */
  nonFinite: z.enum(['stop', 'skip']).default('stop'),
  maxSkippedSteps: z.number().int().positive().default(20),
});

export const RunConfig = z
  .strictObject({
    seed: z.number().int().default(0),
    /** Domain-specific data section; the domain validates it. `root` is replaced by `--data`. */
    data: z.record(z.string(), z.unknown()).default({}),
    tasks: z.array(TaskConfig).min(1),
    model: z.strictObject({
      trunk: Component,
      architecture: Component.default({ type: 'hard', options: {} }),
    }),
    train: TrainConfig.default(TrainConfig.parse({})),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.tasks.forEach((t, i) => {
      const first = seen.get(t.name);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `task name "${t.name}" is also tasks[${first}]'s; task names must be unique`,
          path: ['tasks', i, 'name'],
        });
      else seen.set(t.name, i);
    });
  });

export type RunConfig = z.infer<typeof RunConfig>;
export type RunConfigInput = z.input<typeof RunConfig>;
export type TrainConfig = z.infer<typeof TrainConfig>;
export type OptimizerConfig = z.infer<typeof OptimizerConfig>;
export type ScheduleConfig = z.infer<typeof ScheduleConfig>;
