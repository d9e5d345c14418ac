import { type Direction, metricValueNames } from '../metrics/metric.js';
import { isSupervised, type TaskSpec } from '../tasks/task-spec.js';
import type { FitRun, Logs } from './callbacks.js';

/**
 * The validation quantity that selects the best epoch and drives early stopping: `<task>/<metric>`, `delta_m`
 * (Δm over the single-task baselines) or `loss` (sum of the validation losses). Its direction is the metric's own
 * unless `mode` overrides it.
 */
export class Monitor {
  constructor(
    readonly name: string,
    readonly mode?: Direction,
  ) {
    if (name !== 'loss' && name !== 'delta_m') splitMonitor(name);
  }

  /** The monitored value in an epoch's logs; undefined when the epoch has no validation. */
  value(logs: Logs): number | undefined {
    if (this.name === 'loss') {
      const losses = Object.entries(logs).filter(([k]) => k.startsWith('val/loss/'));
      return losses.length === 0 ? undefined : losses.reduce((a, [, v]) => a + v, 0);
    }
    const key = `val/${this.name}`;
    if (key in logs) return logs[key];
    const validated = Object.keys(logs).some((k) => k.startsWith('val/'));
    if (!validated) return undefined;
    if (this.name === 'delta_m') throw new Error('monitor "delta_m" needs single-task baselines (train.baselines)');
    const [task, metric] = splitMonitor(this.name);
    throw new Error(`monitor "${this.name}": no metric "${metric}" on task "${task}" in the validation results`);
  }

  direction(run: Pick<FitRun, 'directions'>): Direction {
    if (this.mode) return this.mode;
    if (this.name === 'delta_m') return 'max';
    if (this.name === 'loss') return 'min';
    const [task, metric] = splitMonitor(this.name);
    return run.directions[task]?.[metric] ?? 'max';
  }

  /** Whether `value` beats `best` by more than `minDelta` in the monitor's direction (any finite value beats none). */
  improves(value: number, best: number | null, direction: Direction, minDelta = 0): boolean {
    if (!Number.isFinite(value)) return false;
    if (best === null) return true;
    return direction === 'max' ? value > best + minDelta : value < best - minDelta;
  }
}

export function splitMonitor(monitor: string): [string, string] {
  const i = monitor.lastIndexOf('/');
  if (i <= 0) throw new Error(`monitor "${monitor}" must be "<task>/<metric>", "delta_m" or "loss"`);
  return [monitor.slice(0, i), monitor.slice(i + 1)];
}

/**
 * The monitor of a run: the configured one, else the first metric of the first supervised task. A single-task
 * baseline run from a multi-task config cannot monitor another task's metric (or Δm): it falls back to the default.
 */
export function chooseMonitor(
  configured: { monitor: string; mode?: Direction } | undefined,
  reported: readonly TaskSpec[],
  singleTask: boolean,
): Monitor {
  if (configured && (!singleTask || covers(configured.monitor, reported))) return new Monitor(configured.monitor, configured.mode);
  const first = reported.find(isSupervised) ?? reported[0]!;
  const metric = first.createMetrics()[0];
  // a multi-valued metric is monitored by its first value (entity f1, map)
  return new Monitor(metric ? `${first.name}/${metricValueNames(metric)[0] ?? metric.name}` : 'loss');
}

function covers(monitor: string, tasks: readonly TaskSpec[]): boolean {
  if (monitor === 'loss') return true;
  if (monitor === 'delta_m') return false;
  const [task] = splitMonitor(monitor);
  return tasks.some((t) => t.name === task);
}
