import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { validate } from '../config/load-config.js';
import { RunConfig } from '../config/run-config.js';
import type { DomainAdapter } from '../domain/domain.js';
import { createModel, type MultiTaskModel } from '../model/multi-task-model.js';
import { type TaskSpec, taskLabelKey } from '../tasks/task-spec.js';
import type { DataSpec } from '../trunk/trunk.js';
import { loadWeights, MODEL_JSON, readModelJson } from './checkpoint.js';

/** One record's predictions: every task's decoded value, by task name. */
export type Prediction = Record<string, unknown>;

export interface PredictOptions {
  /** Names where record i came from (`file:line`) in error messages; default `record <i>`. */
  readonly source?: (i: number) => string;
  /** Records per forward pass (bounds memory on large inputs); default 1024. */
  readonly batchSize?: number;
  /** Where the domain's `formatPrediction` writes files (mask and overlay images); see `FormatContext`. */
  readonly outDir?: string;
}

/** A trained model ready to use: raw records in, decoded predictions out, the domain's preprocessing included. */
export interface LoadedModel<P = unknown> {
  readonly model: MultiTaskModel;
  readonly tasks: readonly TaskSpec[];
  /** The resolved run config the model was trained with. */
  readonly config: RunConfig;
  readonly preprocessing: P;
  /** The data spec the model was built from (input names, shapes, dtypes). */
  readonly dataSpec: DataSpec;
  /** The model folder read. */
  readonly dir: string;
  /**
   * Predicts every task for raw records (what `predict` reads), one output per record: `{ task: value }`, or what
   * the domain's `formatPrediction` makes of it.
   */
  predict(records: readonly unknown[], options?: PredictOptions): Promise<Record<string, unknown>[]>;
  /** Frees the model's tensors. */
  dispose(): void;
}

/** `dir` itself when it holds model.json, else its `model/` (the `--out` folder of a train run). */
export function modelDirOf(dir: string): string {
  const abs = resolve(dir);
  return !existsSync(join(abs, MODEL_JSON)) && existsSync(join(abs, 'model', MODEL_JSON)) ? join(abs, 'model') : abs;
}

/**
 * Rebuilds a trained model from its folder (a model folder or a train run's `--out` folder) in one call: the config,
 * the domain's saved preprocessing, the tasks and the weights. Select a backend first (`selectBackend()`).
 *
 * ```ts
 * const trained = loadModel('runs/demo', recsysDomain);
 * const [p] = await trained.predict([{ user_id: '7', item_id: '12', price: '3.5' }]); // { ctr: 0.08, ... }
 * trained.dispose();
 * ```
 */
export function loadModel<P>(dir: string, domain: DomainAdapter<P>): LoadedModel<P> {
  const modelDir = modelDirOf(dir);
  const json = readModelJson(modelDir);
  const file = join(modelDir, MODEL_JSON);
  const config = validate(RunConfig, json.config, file);
  const preprocessing = domain.parsePreprocessing(json.preprocessing, file);
  const tasks = domain.createTasks(config, preprocessing);
  const model = createModel({ ...config.model, seed: config.seed }, tasks, json.dataSpec);
  loadWeights(modelDir, model);

  const predictBatch = async (records: readonly unknown[], source: (i: number) => string, outDir?: string) => {
    const { inputs, positionMasks = {} } = await domain.encodeRecords([...records], config, preprocessing, source);
    let predictions: Prediction[];
    try {
      const outputs = model.predict(inputs);
      try {
        const decoded = model.tasks.map(
          (t) => [t.name, t.decode(outputs[t.name]!, { positionMask: positionMasks[taskLabelKey(t)] })] as const,
        );
        predictions = records.map((_, i) => Object.fromEntries(decoded.map(([name, values]) => [name, values[i]])));
      } finally {
        tf.dispose(Object.values(outputs));
      }
    } finally {
      tf.dispose([...Object.values(inputs), ...Object.values(positionMasks)]);
    }
    const format = domain.formatPrediction?.bind(domain);
    if (!format) return predictions;
    const out: Record<string, unknown>[] = [];
    for (const [i, p] of predictions.entries()) out.push(await format(p, records[i], preprocessing, { outDir, source: source(i) }));
    return out;
  };

  return {
    model,
    tasks: model.tasks,
    config,
    preprocessing,
    dir: modelDir,
    dataSpec: json.dataSpec,
    async predict(records, options = {}) {
      const batchSize = options.batchSize ?? 1024;
      const source = options.source ?? ((i: number) => `record ${i}`);
      const out: Record<string, unknown>[] = [];
      for (let start = 0; start < records.length; start += batchSize) {
        const chunk = records.slice(start, start + batchSize);
        out.push(...(await predictBatch(chunk, (i) => source(start + i), options.outDir)));
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
}
