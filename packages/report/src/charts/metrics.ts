import type { TrainingHistory as History } from '@polytask/core';
import type { TopLevelSpec } from 'vega-lite';
import { type ChartPlan, facetColumns, PANEL, SCHEMA, THEME } from './common.js';

export interface MetricRow {
  /** Task name, or `Δm (all tasks)` for `val/delta_m`. */
  readonly task: string;
  readonly metric: string;
  readonly epoch: number;
  readonly value: number;
}

export const DELTA_M_PANEL = 'Δm (all tasks)';

/**
 * Validation metrics per epoch, one panel per task (each with its own y scale), plus a Δm panel
 * when the run logged one. A dashed rule marks the best epoch when it is known. Epochs count from 1, as in
 * metrics.json's `bestEpoch` and the progress lines (history.jsonl stores the 0-based index).
 */
export function metricsChart(history: History, options: { readonly bestEpoch?: number } = {}): ChartPlan {
  const rows: MetricRow[] = [];
  for (const e of history.epochs) {
    for (const [task, ms] of Object.entries(e.val)) {
      for (const [metric, value] of Object.entries(ms)) {
        if (Number.isFinite(value)) rows.push({ task, metric, epoch: e.epoch + 1, value });
      }
    }
    if (e.deltaM !== undefined && Number.isFinite(e.deltaM)) {
      rows.push({ task: DELTA_M_PANEL, metric: 'Δm', epoch: e.epoch + 1, value: e.deltaM });
    }
  }
  if (rows.length === 0) {
    return { skipped: 'history.jsonl has no validation metrics (`val/<task>/<metric>` on epoch lines): was there a validation split?' };
  }
  const panels = [...new Set(rows.map((r) => r.task))].sort(
    (a, b) => (a === DELTA_M_PANEL ? 1 : 0) - (b === DELTA_M_PANEL ? 1 : 0) || history.tasks.indexOf(a) - history.tasks.indexOf(b),
  );
  const metrics = [...new Set(rows.map((r) => r.metric))];
  const best = options.bestEpoch;
  const x = { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } } as const;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: THEME,
    title: {
      text: 'Validation metrics per epoch',
      subtitle: best === undefined ? 'one panel per task' : `one panel per task; dashed: best epoch (${best})`,
    },
    data: { values: rows },
    facet: { field: 'task', type: 'nominal', sort: panels, title: null },
    columns: facetColumns(panels.length),
    spec: {
      width: PANEL.width,
      height: PANEL.height,
      layer: [
        ...(best === undefined
          ? []
          : [
              {
                transform: [{ filter: { field: 'epoch', equal: best } }],
                mark: { type: 'rule' as const, strokeDash: [5, 4], color: '#777' },
                encoding: { x },
              },
            ]),
        {
          mark: { type: 'line', strokeWidth: 2, point: { filled: true, size: 45 } },
          encoding: {
            x,
            y: { field: 'value', type: 'quantitative', title: null, scale: { zero: false } },
            color: { field: 'metric', type: 'nominal', sort: metrics, title: 'metric', scale: { scheme: 'dark2' } },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  return { spec };
}
