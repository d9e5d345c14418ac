import { resolve } from 'node:path';
import {
  DataError,
  type DomainAdapter,
  type DomainData,
  type EncodedRecords,
  type Inputs,
  parseSavedPreprocessing,
  type RunConfig,
  type TaskSpec,
  taskLabelKey,
  UsageError,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { resolveDataConfig } from './datasets/config.js';
import { loadRecsysData } from './datasets/load.js';
import { DENSE_INPUT, FeaturePipeline, MULTI_INPUT, PipelineState, type RawValue, SPARSE_INPUT } from './features/pipeline.js';
import { buildTasks } from './tasks/esmm.js';

/** What a trained recsys model keeps besides its weights (model.json `preprocessing`). */
export const RecsysPreprocessing = z.object({
  format: z.literal('polytask-recsys'),
  version: z.literal(1),
  features: PipelineState,
  /** The user column, when GAUC is reported. */
  user: z.string().optional(),
  esmm: z.object({ ctr: z.string(), cvr: z.string() }),
  /** Label keys of the data (what eval can score). */
  labels: z.array(z.string()),
});
export type RecsysPreprocessing = z.infer<typeof RecsysPreprocessing>;

/** A recsys model's preprocessing in use: the saved JSON and the feature pipeline built from it once. */
export interface RecsysState {
  readonly prep: RecsysPreprocessing;
  readonly pipeline: FeaturePipeline;
}

/** Validates saved preprocessing (model.json's `preprocessing`) and builds its feature pipeline. */
export function parseRecsysPreprocessing(value: unknown, file = 'model.json'): RecsysState {
  const prep = parseSavedPreprocessing(RecsysPreprocessing, value, file, 'a recsys preprocessing');
  return { prep, pipeline: new FeaturePipeline(prep.features) };
}

/**
 * A predict record's values must be what a CSV cell can hold: a string, a finite number or null (missing); a
 * multi-valued feature also takes an array of those. Anything else (true, an object, ±Infinity from `1e999`) is
 * rejected naming the field, as the CSV reader rejects a cell it cannot read.
 */
function checkRecordTypes(record: Record<string, unknown>, pipeline: FeaturePipeline, where: string): void {
  const cell = (v: unknown) => v === null || typeof v === 'string' || (typeof v === 'number' && !Number.isNaN(v));
  for (const { config } of pipeline.state.features) {
    const column = config.column ?? config.name;
    const value = record[column];
    if (value === undefined) continue;
    if (typeof value === 'number' && !Number.isFinite(value))
      throw new DataError(where, undefined, column, `not a finite number: ${value}`);
    if (cell(value)) continue;
    if (Array.isArray(value) && config.type === 'multi') {
      const bad = value.find((v) => !cell(v) || (typeof v === 'number' && !Number.isFinite(v)));
      if (bad === undefined) continue;
      throw new DataError(
        where,
        undefined,
        column,
        `array values must be strings or finite numbers, found ${JSON.stringify(bad) ?? String(bad)}`,
      );
    }
    const kind = Array.isArray(value)
      ? 'an array'
      : value === null
        ? 'null'
        : typeof value === 'object'
          ? 'an object'
          : `a ${typeof value}`;
    throw new DataError(
      where,
      undefined,
      column,
      `expected a string or a number${config.type === 'multi' ? ' (or an array of them)' : ''}, found ${kind}: ${JSON.stringify(value)}`,
    );
  }
}

function tasksFor(config: RunConfig, prep: Pick<RecsysPreprocessing, 'user' | 'esmm'>): TaskSpec[] {
  return buildTasks(config.tasks, { user: prep.user !== undefined, esmm: prep.esmm });
}

/**
 * The recsys domain: CSV datasets described by `data` (a preset or an explicit schema), features fitted on the
 * training rows, CTR/CVR tasks including ESMM. Plug into core's `runDomainCli` for `polytask-recsys`.
 */
export const recsysDomain: DomainAdapter<RecsysState> = {
  name: 'recsys',

  async loadData(config: RunConfig, options): Promise<DomainData<RecsysState>> {
    const data = resolveDataConfig(config.data, options.configFile);
    const root = options.dataRoot ?? resolve(options.configDir, data.root);
    const saved = options.preprocessing;
    // Tasks and their labels are checked before the (possibly long) read of the data.
    const tasks = tasksFor(config, saved?.prep ?? { user: data.user, esmm: data.esmm });
    for (const t of tasks) {
      const key = taskLabelKey(t);
      if (!(key in data.labels)) {
        const where = options.configFile ? `${options.configFile}: ` : '';
        throw new UsageError(
          `invalid config: ${where}task "${t.name}" needs labels "${key}", but data.labels defines: ${Object.keys(data.labels).join(', ')}`,
        );
      }
    }
    const loaded = await loadRecsysData(data, { root, seed: config.seed, pipeline: saved?.pipeline });
    const preprocessing: RecsysState = saved ?? {
      prep: {
        format: 'polytask-recsys',
        version: 1,
        features: loaded.pipeline.toJSON(),
        user: data.user,
        esmm: data.esmm,
        labels: Object.keys(data.labels),
      },
      pipeline: loaded.pipeline,
    };
    return {
      splits: loaded.splits,
      trainSplit: loaded.trainSplit,
      validSplit: loaded.validSplit,
      testSplit: loaded.testSplit,
      tasks,
      preprocessing,
      warnings: loaded.warnings,
    };
  },

  serializePreprocessing: (state) => state.prep,
  parsePreprocessing: parseRecsysPreprocessing,

  createTasks(config: RunConfig, state: RecsysState): TaskSpec[] {
    return tasksFor(config, state.prep);
  },

  encodeRecords(records: unknown[], _config: RunConfig, { pipeline }: RecsysState, source: (i: number) => string): EncodedRecords {
    const encoder = pipeline.createEncoder(Math.max(1, records.length));
    records.forEach((record, i) => {
      if (record === null || typeof record !== 'object' || Array.isArray(record)) {
        throw new DataError(source(i), undefined, undefined, 'expected a JSON object of raw feature values');
      }
      const r = record as Record<string, unknown>;
      checkRecordTypes(r, pipeline, source(i));
      encoder.push((column) => r[column] as RawValue, { file: source(i) });
    });
    const columns = encoder.build();
    const n = records.length;
    const inputs: Inputs = {};
    for (const name of [SPARSE_INPUT, DENSE_INPUT, MULTI_INPUT]) {
      const c = columns[name];
      if (c) inputs[name] = tf.tensor(c.data, [n, ...c.shape], c.data instanceof Int32Array ? 'int32' : 'float32');
    }
    return { inputs };
  },
};
