import { resolveFolder } from '../io/atomic.js';
import { loadWeights, type ModelMeta, saveModel } from '../io/checkpoint.js';
import type { FitRun, Logs, TrainCallback } from './callbacks.js';
import type { Monitor } from './monitor.js';

export interface ModelCheckpointOptions {
  readonly monitor: Monitor;
  /** Model folder to write (atomically); without it the best weights are kept in memory. */
  readonly dir?: string;
  /** Written into the model folder: run config, preprocessing, data spec. */
  readonly meta?: ModelMeta;
}

/**
 * Keras `ModelCheckpoint(save_best_only)`: keeps the model of the epoch with the best monitored validation value.
 * Without validation every epoch is saved (the latest is the one to use). `restoreBest` puts the best weights back
 * into the model at the end of training.
 */
export class ModelCheckpoint implements TrainCallback {
  readonly stateKey = 'modelCheckpoint';
  best: { score: number; epoch: number } | null = null;
  private run: FitRun | undefined;
  private weights: Float32Array | undefined;

  constructor(readonly options: ModelCheckpointOptions) {}

  setRun(run: FitRun): void {
    this.run = run;
  }

  getState(): unknown {
    return { best: this.best };
  }

  setState(state: unknown): void {
    this.best = (state as { best: { score: number; epoch: number } | null }).best;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const { monitor } = this.options;
    const value = monitor.value(logs);
    if (value === undefined) {
      this.save();
      return;
    }
    if (monitor.improves(value, this.best?.score ?? null, monitor.direction(this.run!))) {
      this.best = { score: value, epoch };
      this.save();
    }
  }

  /** Loads the best epoch's weights into the model (no-op when no epoch was validated). */
  restoreBest(): void {
    if (!this.best) return;
    const model = this.run!.model;
    if (this.weights) model.layout.write(this.weights);
    else if (this.options.dir && resolveFolder(this.options.dir)) loadWeights(this.options.dir, model);
  }

  private save(): void {
    const model = this.run!.model;
    if (this.options.dir) saveModel(this.options.dir, model, this.options.meta);
    else this.weights = model.layout.read();
  }
}
