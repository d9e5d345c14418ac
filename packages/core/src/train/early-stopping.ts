import type { FitRun, Logs, TrainCallback } from './callbacks.js';
import type { Monitor } from './monitor.js';

export interface EarlyStoppingOptions {
  readonly monitor: Monitor;
  /** Stop once this many epochs in a row have not improved the monitor (0 acts as 1). */
  readonly patience: number;
  readonly minDelta?: number;
}

/**
 * Keras / tfjs-layers `EarlyStopping`: after each validated epoch, an improvement by more than `minDelta` resets the
 * count of epochs without one; when that count reaches `patience`, training stops after the epoch.
 */
export class EarlyStopping implements TrainCallback {
  readonly stateKey = 'earlyStopping';
  private run: FitRun | undefined;
  private best: number | null = null;
  private wait = 0;

  constructor(readonly options: EarlyStoppingOptions) {}

  setRun(run: FitRun): void {
    this.run = run;
  }

  getState(): unknown {
    return { best: this.best, wait: this.wait };
  }

  setState(state: unknown): void {
    const s = state as { best: number | null; wait: number };
    this.best = s.best;
    this.wait = s.wait;
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const { monitor, patience, minDelta } = this.options;
    const value = monitor.value(logs);
    if (value === undefined) return;
    const run = this.run!;
    if (monitor.improves(value, this.best, monitor.direction(run), minDelta ?? 0)) {
      this.best = value;
      this.wait = 0;
      return;
    }
    this.wait += 1;
    if (this.wait >= Math.max(1, patience)) {
      run.stopTraining = true;
      run.stopReason = `early stopping after epoch ${epoch + 1}: ${monitor.name} has not improved for ${this.wait} epoch${this.wait === 1 ? '' : 's'} (best ${round(this.best)})`;
    }
  }
}

function round(v: number | null): string {
  return v === null ? '-' : String(Math.round(v * 1e4) / 1e4);
}
