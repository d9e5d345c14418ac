import { join, resolve } from 'node:path';
import {
  createTask,
  DataError,
  type DomainAdapter,
  InMemoryDataset,
  type RunConfig,
  type TaskSpec,
  taskLabelKey,
  UsageError,
  validate,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { readSeries, slidingWindows } from './series.js';

/** The `data` section of a forecasting config. Splits are chronological: train, then valid, then test. */
export const ForecastData = z.strictObject({
  /** Folder of the CSV file; relative to the config file. Replaced by `--data`. */
  root: z.string().min(1),
  file: z.string().default('seasonal.csv'),
  column: z.string().default('load'),
  /** Past steps the model sees. */
  window: z.number().int().positive().default(48),
  valid: z.number().gt(0).lt(0.5).default(0.15),
  test: z.number().gt(0).lt(0.5).default(0.15),
});

/** What inference needs: the window length and the scaling fitted on the training part. */
export const ForecastPreprocessing = z.strictObject({ window: z.number().int().positive(), mean: z.number(), std: z.number().positive() });
export type ForecastPreprocessing = z.infer<typeof ForecastPreprocessing>;

/** Label keys of the samples; a task names one with `label:` (or by its own name). */
export const LABELS = ['next', 'up'] as const;

/** Tasks from config; a regression on `next` decodes back to the series' units. */
function createTasks(config: RunConfig, { mean, std }: ForecastPreprocessing): TaskSpec[] {
  return config.tasks.map((c) => {
    const task = createTask(c);
    if (taskLabelKey(task) !== 'next') return task;
    return { ...task, decode: (p: tf.Tensor) => task.decode(p).map((v) => Math.round(((v as number) * std + mean) * 1e4) / 1e4) };
  });
}

export const forecastDomain: DomainAdapter<ForecastPreprocessing> = {
  name: 'forecast',
  async loadData(config, { configDir, configFile = configDir, dataRoot, preprocessing }) {
    const data = validate(ForecastData, config.data, configFile);
    for (const task of config.tasks) {
      const label = task.label ?? task.name;
      if (!(LABELS as readonly string[]).includes(label)) {
        throw new UsageError(`${configFile}: task "${task.name}" reads label "${label}"; the forecast data has ${LABELS.join(', ')}`);
      }
    }
    const file = join(dataRoot ?? resolve(configDir, data.root), data.file);
    const values = readSeries(file, data.column);
    const testStart = Math.floor(values.length * (1 - data.test));
    const validStart = Math.floor(values.length * (1 - data.test - data.valid));
    if (validStart <= data.window)
      throw new DataError(file, undefined, data.column, `${values.length} values are too few for a window of ${data.window}`);
    const prep = preprocessing ?? fitScaling(values.subarray(0, validStart), data.window);
    const scaled = values.map((v) => (v - prep.mean) / prep.std);
    // Each split's windows look back into the previous split, as a forecast at that time would.
    const split = (from: number, to: number) => {
      const w = slidingWindows(scaled.subarray(Math.max(0, from - data.window), to), data.window);
      return new InMemoryDataset({
        inputs: { x: { data: w.history, shape: [data.window] } },
        labels: { next: { data: w.next, shape: [] }, up: { data: w.up, shape: [] } },
      });
    };
    return {
      splits: { train: split(0, validStart), valid: split(validStart, testStart), test: split(testStart, values.length) },
      trainSplit: 'train',
      validSplit: 'valid',
      testSplit: 'test',
      tasks: createTasks(config, prep),
      preprocessing: prep,
    };
  },
  serializePreprocessing: (p) => p,
  parsePreprocessing(json, file) {
    const parsed = ForecastPreprocessing.safeParse(json);
    if (!parsed.success) throw new UsageError(`${file}: field "preprocessing": not a forecast preprocessing`);
    return parsed.data;
  },
  createTasks,
  /** Records are `{ "history": [v₁, …, vₙ] }` with n ≥ window, in the series' units; the last `window` values are used. */
  encodeRecords(records, _config, { window, mean, std }, source) {
    const x = new Float32Array(records.length * window);
    records.forEach((record, i) => {
      const history = (record as { history?: unknown }).history;
      if (!Array.isArray(history) || history.length < window || !history.every((v) => typeof v === 'number' && Number.isFinite(v))) {
        throw new DataError(source(i), undefined, 'history', `expected an array of at least ${window} numbers`);
      }
      x.set(
        history.slice(-window).map((v: number) => (v - mean) / std),
        i * window,
      );
    });
    return { inputs: { x: tf.tensor2d(x, [records.length, window]) } };
  },
};

function fitScaling(train: Float32Array, window: number): ForecastPreprocessing {
  const mean = train.reduce((a, v) => a + v, 0) / train.length;
  const std = Math.sqrt(train.reduce((a, v) => a + (v - mean) ** 2, 0) / train.length) || 1;
  return { window, mean, std };
}
