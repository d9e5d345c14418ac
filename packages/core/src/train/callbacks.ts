import type { Direction } from '../metrics/metric.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import type { EpochRecord, StepRecord } from './history-record.js';

/** Flat log keys: `loss`, `loss/<task>`, `weight/<task>`, `lr`, `val/<task>/<metric>`, `val/loss/<task>`, `val/delta_m`. */
export type Logs = Record<string, number>;

/** What a callback sees of the run it is attached to (tfjs-layers' `callback.model`, with `stopTraining`). */
export interface FitRun {
  readonly model: MultiTaskModel;
  /** Trained task names, in order. */
  readonly tasks: readonly string[];
  readonly epochs: number;
  readonly batchesPerEpoch: number;
  /** Samples per training batch (the global batch). */
  readonly batchSize: number;
  /** What one sample is, plural (`samples`, `sentences`, `images`), for rates in progress output. */
  readonly sampleNoun: string;
  /** Set to end training after the current epoch (tfjs-layers' `model.stopTraining`). */
  stopTraining: boolean;
  /** Why training stopped early, when a callback stopped it (reported to the user). */
  stopReason?: string;
  /** Where a resumed run continues; undefined for a fresh run. */
  readonly resumedAt?: { readonly step: number; readonly epoch: number };
  /** Direction of each validation metric, `directions[task][metric]`, known after the first validation. */
  readonly directions: Readonly<Record<string, Readonly<Record<string, Direction>>>>;
}

/**
 * Training callbacks with tfjs-layers' names. Any hook may be async. `onBatchEnd` and `onEpochEnd` also receive the
 * typed history record of the step or epoch (cosines, gradient norm, grouped metrics) for callbacks that need more
 * than flat numbers. A callback with `stateKey` has its `getState()` saved in every checkpoint and handed back to
 * `setState` on resume, so a resumed run continues it exactly.
 */
export interface TrainCallback {
  readonly stateKey?: string;
  getState?(): unknown;
  setState?(state: unknown): void;
  setRun?(run: FitRun): void;
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs, record?: EpochRecord): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs, record?: StepRecord): void | Promise<void>;
}

/** Per-epoch logs collected during `fit` (History in tfjs-layers). */
export class History implements TrainCallback {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  onEpochEnd(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [k, v] of Object.entries(logs)) {
      this.history[k] ??= [];
      this.history[k].push(v);
    }
  }
}
