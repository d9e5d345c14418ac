import { basename, resolve } from 'node:path';
import { type PairCosine, pairCosines } from './cosines.js';
import type { RunFolder } from './run-folder.js';
import { autoSmoothing, ema } from './series.js';

export const CHART_NAMES = ['loss', 'weights', 'conflict', 'metrics'] as const;
export type ChartName = (typeof CHART_NAMES)[number];

/** What happened to one chart: its file (relative to the report folder) or why it was skipped. */
export type ChartOutcome = { readonly file: string } | { readonly skipped: string };

/** `summary.json`. Non-finite numbers are written as `null` by JSON. */
export interface ReportSummary {
  /** Run folder name. */
  readonly run: string;
  readonly tasks: readonly string[];
  /** Final metrics per task: metrics.json's, else the last epoch's validation metrics. */
  readonly finalMetrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Where `finalMetrics` come from, e.g. `"test"` or `"validation (last epoch)"`; null when there are none. */
  readonly finalMetricsSplit: string | null;
  readonly bestEpoch: number | null;
  readonly monitor: string | null;
  /** The best epoch's validation metrics (from history.jsonl), when known. */
  readonly bestEpochValidation: Readonly<Record<string, Readonly<Record<string, number>>>> | null;
  readonly steps: number;
  readonly epochs: number;
  readonly seconds: number | null;
  readonly backend: string | null;
  /** Weight of each task at the last step. */
  readonly finalWeights: Readonly<Record<string, number>>;
  /** EMA-smoothed training loss of each task at the last step. */
  readonly finalTrainLoss: Readonly<Record<string, number>>;
  /** Gradient cosine per task pair over the logged steps (empty when none were logged). */
  readonly cosines: readonly PairCosine[];
  readonly charts: Readonly<Record<ChartName, ChartOutcome>>;
  readonly warnings: readonly string[];
}

export function buildSummary(run: RunFolder, charts: Record<ChartName, ChartOutcome>, warnings: readonly string[]): ReportSummary {
  const { history, metrics } = run;
  const lastStep = history.steps.at(-1);
  const lastEpoch = history.epochs.at(-1);
  let finalMetrics: Record<string, Readonly<Record<string, number>>> = {};
  let finalMetricsSplit: string | null = null;
  if (metrics && Object.keys(metrics.tasks).length > 0) {
    finalMetrics = { ...metrics.tasks };
    finalMetricsSplit = metrics.split ?? 'unknown split';
  } else if (lastEpoch && Object.keys(lastEpoch.val).length > 0) {
    finalMetrics = { ...lastEpoch.val };
    finalMetricsSplit = 'validation (last epoch)';
  }
  const bestEpoch = metrics?.bestEpoch ?? null;
  // metrics.json counts epochs from 1 (as the progress lines do); history.jsonl's `epoch` is the 0-based index.
  const best = bestEpoch === null ? undefined : history.epochs.find((e) => e.epoch + 1 === bestEpoch);
  const finalTrainLoss: Record<string, number> = {};
  for (const task of history.tasks) {
    const points = history.steps.flatMap((s) => (task in s.losses ? [{ x: s.step, y: s.losses[task]! }] : []));
    const last = ema(points, autoSmoothing(points.length)).at(-1);
    if (last) finalTrainLoss[task] = last.y;
  }
  return {
    run: basename(resolve(run.dir)),
    tasks: history.tasks.length > 0 ? history.tasks : Object.keys(finalMetrics),
    finalMetrics,
    finalMetricsSplit,
    bestEpoch,
    monitor: metrics?.monitor ?? null,
    bestEpochValidation: best && Object.keys(best.val).length > 0 ? best.val : null,
    steps: history.steps.length,
    epochs: metrics?.epochs ?? history.epochs.length,
    seconds: metrics?.seconds ?? null,
    backend: metrics?.backend ?? null,
    finalWeights: { ...lastStep?.weights },
    finalTrainLoss,
    cosines: pairCosines(history),
    charts,
    warnings,
  };
}
