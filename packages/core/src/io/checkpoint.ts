import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { describeIssues } from '../config/load-config.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import type { DataSpec } from '../trunk/trunk.js';
import { PolytaskError } from '../util/errors.js';
import { resolveFolder, writeFolderAtomic } from './atomic.js';
import type { RunIdentity } from './run-identity.js';

/** A saved file that cannot be used as it is (missing, truncated, not what it should be): names the file. */
export class DamagedFileError extends PolytaskError {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = 'DamagedFileError';
  }
}

function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new DamagedFileError(file, code === 'ENOENT' ? 'missing (the folder is incomplete)' : `cannot read (${(e as Error).message})`);
  }
}

function readJson(file: string): unknown {
  const text = readBytes(file).toString('utf8');
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DamagedFileError(file, `damaged: not valid JSON (${(e as Error).message}); was a write cut short?`);
  }
}

/** The float32 values of a binary file, checked against the count its manifest promises. */
function readFloats(file: string, expected: number, what: string): Float32Array {
  const buf = readBytes(file);
  if (buf.byteLength !== expected * 4) {
    throw new DamagedFileError(
      file,
      `damaged: ${buf.byteLength} bytes, expected ${expected * 4} (${expected} float32 ${what}); truncated, or from another model`,
    );
  }
  return new Float32Array(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
}

const ModelJsonShape = z.object({
  format: z.literal('polytask-model'),
  formatVersion: z.literal(1),
  weightsManifest: z
    .array(
      z.object({
        paths: z.array(z.string()),
        weights: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().min(0)), dtype: z.literal('float32') })),
      }),
    )
    .length(1),
});

// loose: the checks cover what resuming reads; anything else (weighting state, later additions) passes through
const TrainingStateShape = z.looseObject({
  epoch: z.number().int().min(0),
  batchInEpoch: z.number().int().min(0),
  step: z.number().int().min(0),
  rng: z.array(z.number()).length(4),
  weighting: z.unknown(),
  optimizerSlots: z.array(z.number().int().min(0)),
  optimizerStep: z.number().int().min(0),
  callbacks: z.record(z.string(), z.unknown()),
  epochLossSums: z.array(z.number().nullable()),
  epochLossCount: z.number().int().min(0),
  run: z.object({ seed: z.number(), config: z.string() }).optional(),
  skippedSteps: z.number().int().min(0).optional(),
});

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';
export const OPTIMIZER_BIN = 'optimizer.bin';
export const STATE_JSON = 'state.json';

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** What, besides the weights, it takes to rebuild a model and use it without its training data. */
export interface ModelMeta {
  /** The resolved run config the model was built from. */
  readonly config: unknown;
  /** Preprocessing fitted on the training data (vocabularies, scalers), for eval and predict. */
  readonly preprocessing: unknown;
  /** Input shapes and data facts the trunk was built from. */
  readonly dataSpec: DataSpec;
}

/** model.json: model meta + a tfjs-style weights manifest (flat layout order). */
export interface ModelJson extends ModelMeta {
  format: 'polytask-model';
  formatVersion: 1;
  weightsManifest: [{ paths: [typeof WEIGHTS_BIN]; weights: WeightSpec[] }];
}

/** Training state beyond the weights: where the run is and everything stateful besides the model. */
export interface TrainingState {
  epoch: number;
  /** Batches of `epoch` already trained (the data position). */
  batchInEpoch: number;
  step: number;
  rng: [number, number, number, number];
  weighting: unknown;
  /** Optimizer slot layout: per parameter, the number of slots. */
  optimizerSlots: number[];
  optimizerStep: number;
  /** State of the stateful callbacks (best model, early stopping), by their `stateKey`. */
  callbacks: Record<string, unknown>;
  /** Running sums of the current epoch's per-task training losses (DWA needs epoch means). */
  epochLossSums: number[];
  epochLossCount: number;
  /** The run this checkpoint belongs to; `resume` refuses a checkpoint of another config or seed. */
  run?: RunIdentity;
  /** Steps dropped so far for a non-finite loss or gradient (`train.nonFinite: skip`). */
  skippedSteps?: number;
  /** Data-parallel runs: every rank's position in the epoch (world size, shard, samples read). */
  ranks?: Array<{ rank: number; worldSize: number; samples: number }>;
}

function toBytes(chunks: Float32Array[]): Uint8Array {
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const out = new Float32Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return new Uint8Array(out.buffer);
}

function modelFiles(model: MultiTaskModel, meta: ModelMeta | undefined): Record<string, string | Uint8Array> {
  const json: ModelJson = {
    format: 'polytask-model',
    formatVersion: 1,
    config: meta?.config ?? null,
    preprocessing: meta?.preprocessing ?? null,
    dataSpec: meta?.dataSpec ?? { inputs: {} },
    weightsManifest: [
      {
        paths: [WEIGHTS_BIN],
        weights: model.layout.entries.map((e) => ({ name: e.parameter.name, shape: e.shape, dtype: 'float32' as const })),
      },
    ],
  };
  return { [MODEL_JSON]: JSON.stringify(json, null, 1), [WEIGHTS_BIN]: toBytes([model.layout.read()]) };
}

/** Saves a model folder (model.json + weights.bin) atomically. */
export function saveModel(dir: string, model: MultiTaskModel, meta?: ModelMeta): void {
  writeFolderAtomic(dir, modelFiles(model, meta));
}

/** Saves a resumable training checkpoint: model + optimizer state + training state, atomically. */
export function saveCheckpoint(
  dir: string,
  model: MultiTaskModel,
  optimizer: Optimizer,
  state: Omit<TrainingState, 'optimizerSlots' | 'optimizerStep'>,
  meta?: ModelMeta,
): void {
  const opt = optimizer.getState();
  const full: TrainingState = { ...state, optimizerSlots: opt.slots.map((s) => s.length), optimizerStep: opt.step };
  writeFolderAtomic(dir, {
    ...modelFiles(model, meta),
    [OPTIMIZER_BIN]: toBytes(opt.slots.flat()),
    [STATE_JSON]: JSON.stringify(full),
  });
}

/** Reads model.json of a saved model folder (to rebuild the model before loading weights). */
export function readModelJson(dir: string): ModelJson {
  const folder = resolveFolder(dir);
  if (!folder) throw new PolytaskError(`no saved model at ${dir}`);
  const file = join(folder, MODEL_JSON);
  const json = readJson(file);
  const format = (json as { format?: unknown } | null)?.format;
  if (format !== 'polytask-model') throw new DamagedFileError(file, `not a Polytask model (format ${JSON.stringify(format)})`);
  const shape = ModelJsonShape.safeParse(json);
  if (!shape.success)
    throw new DamagedFileError(file, `damaged: ${describeIssues('model.json', shape.error).replace(/^model\.json: /, '')}`);
  return json as ModelJson;
}

/** Loads weights into a model built from the same config; checks names and shapes against the manifest. */
export function loadWeights(dir: string, model: MultiTaskModel): void {
  const folder = resolveFolder(dir);
  if (!folder) throw new PolytaskError(`no saved model at ${dir}`);
  const json = readModelJson(folder);
  const specs = json.weightsManifest[0].weights;
  const entries = model.layout.entries;
  if (specs.length !== entries.length) {
    throw new PolytaskError(`${folder}: ${specs.length} weights saved, the model has ${entries.length}`);
  }
  specs.forEach((s, i) => {
    const e = entries[i]!;
    if (s.name !== e.parameter.name || s.shape.join('x') !== e.shape.join('x')) {
      throw new PolytaskError(`${folder}: weight ${i} is ${s.name} [${s.shape}], the model expects ${e.parameter.name} [${e.shape}]`);
    }
  });
  model.layout.write(readFloats(join(folder, WEIGHTS_BIN), model.layout.size, 'weights'));
}

/** Reads and checks a checkpoint's `state.json` (without touching a model). */
export function readTrainingState(dir: string): TrainingState {
  const folder = resolveFolder(dir);
  if (!folder) throw new PolytaskError(`no checkpoint at ${dir}`);
  const file = join(folder, STATE_JSON);
  const parsed = TrainingStateShape.safeParse(readJson(file));
  if (!parsed.success)
    throw new DamagedFileError(file, `damaged: ${describeIssues('state.json', parsed.error).replace(/^state\.json: /, '')}`);
  return parsed.data as unknown as TrainingState;
}

/** Restores a checkpoint's weights and optimizer state; returns the training state. */
export function loadCheckpoint(dir: string, model: MultiTaskModel, optimizer: Optimizer): TrainingState {
  const folder = resolveFolder(dir);
  if (!folder) throw new PolytaskError(`no checkpoint to resume at ${dir}`);
  const state = readTrainingState(folder);
  loadWeights(folder, model);
  if (state.optimizerSlots.length !== optimizer.parameters.length) {
    throw new DamagedFileError(
      join(folder, STATE_JSON),
      `optimizer state for ${state.optimizerSlots.length} parameters, the model trains ${optimizer.parameters.length}`,
    );
  }
  const expected = state.optimizerSlots.reduce((a, count, i) => a + count * optimizer.parameters[i]!.variable.size, 0);
  const flat = readFloats(join(folder, OPTIMIZER_BIN), expected, 'optimizer values');
  let o = 0;
  const slots = state.optimizerSlots.map((count, i) => {
    const size = optimizer.parameters[i]!.variable.size;
    return Array.from({ length: count }, () => {
      const s = flat.subarray(o, o + size);
      o += size;
      return s;
    });
  });
  const opt: OptimizerState = { step: state.optimizerStep, slots };
  optimizer.setState(opt);
  return state;
}
