import type { Direction } from './metric.js';

/** Per task, per metric values: `{ [task]: { [metric]: value } }`. */
export type TaskMetricValues = Record<string, Record<string, number>>;

/**
 * Multi-task improvement over a baseline (LibMTL's Δp, `LibMTL/utils.py: count_improvement`, as a fraction, not %):
 *
 *   Δm = (1/T) Σ_t (1/M_t) Σ_m s_{t,m} · (M_{t,m} − B_{t,m}) / B_{t,m},   s = +1 for 'max', −1 for 'min' metrics
 *
 * i.e. the mean over tasks of each task's mean relative improvement over its metrics, so a task with many metrics
 * weighs as much as a task with one. Only (task, metric) pairs present in both `results` and `baselines` count; a task
 * none of whose metrics overlap is left out of T. Positive is better than the baseline.
 *
 * Throws when nothing overlaps, when a counted metric has no direction, or when a baseline is 0 or not finite.
 * A non-finite result value (e.g. a NaN AUC) makes Δm NaN.
 */
export function deltaM(
  results: TaskMetricValues,
  baselines: TaskMetricValues,
  directions: Record<string, Record<string, Direction>>,
): number {
  let taskSum = 0;
  let tasks = 0;
  for (const [task, taskResults] of Object.entries(results)) {
    if (!Object.hasOwn(baselines, task)) continue;
    const taskBaselines = baselines[task]!;
    let metricSum = 0;
    let metrics = 0;
    for (const [metric, value] of Object.entries(taskResults)) {
      if (!Object.hasOwn(taskBaselines, metric)) continue;
      const base = taskBaselines[metric]!;
      const direction = Object.hasOwn(directions, task) && Object.hasOwn(directions[task]!, metric) ? directions[task]![metric] : undefined;
      if (direction !== 'max' && direction !== 'min') {
        throw new Error(`deltaM: no direction ('max' or 'min') for metric "${metric}" of task "${task}"`);
      }
      if (base === 0 || !Number.isFinite(base)) {
        throw new Error(`deltaM: baseline of metric "${metric}" of task "${task}" is ${base}; Δm divides by it`);
      }
      metricSum += ((direction === 'max' ? 1 : -1) * (value - base)) / base;
      metrics++;
    }
    if (metrics === 0) continue;
    taskSum += metricSum / metrics;
    tasks++;
  }
  if (tasks === 0) throw new Error('deltaM: results and baselines share no (task, metric) pair');
  return taskSum / tasks;
}

/** Whether `results` and `baselines` share a (task, metric) pair, i.e. whether Δm is defined for them. */
export function sharesMetric(results: TaskMetricValues, baselines: TaskMetricValues): boolean {
  return Object.entries(results).some(
    ([task, metrics]) => Object.hasOwn(baselines, task) && Object.keys(metrics).some((m) => Object.hasOwn(baselines[task]!, m)),
  );
}

/** Δm over `baselines` when they are given and share a (task, metric) pair with `results`; otherwise undefined. */
export function deltaMIfDefined(
  results: TaskMetricValues,
  baselines: TaskMetricValues | undefined,
  directions: Record<string, Record<string, Direction>>,
): number | undefined {
  return baselines && sharesMetric(results, baselines) ? deltaM(results, baselines, directions) : undefined;
}
