/** Flat log keys: `loss`, `loss/<task>`, `weight/<task>`, `lr`, `val/<task>/<metric>`, `val/delta_m`. */
export type Logs = Record<string, number>;

/** Training callbacks with tfjs-layers' names. Any hook may be async. */
export interface TrainCallback {
  onTrainBegin?(logs?: Logs): void | Promise<void>;
  onTrainEnd?(logs?: Logs): void | Promise<void>;
  onEpochBegin?(epoch: number, logs?: Logs): void | Promise<void>;
  onEpochEnd?(epoch: number, logs: Logs): void | Promise<void>;
  onBatchBegin?(batch: number, logs?: Logs): void | Promise<void>;
  onBatchEnd?(batch: number, logs: Logs): void | Promise<void>;
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
