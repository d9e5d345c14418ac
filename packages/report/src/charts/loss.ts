import type { TrainingHistory as History } from '@polytask/core';
import type { TopLevelSpec } from 'vega-lite';
import { autoSmoothing, downsampleEven, downsampleMinMax, ema, MAX_POINTS, type Point } from '../series.js';
import { type ChartOptions, type ChartPlan, epochEndSteps, facetColumns, PANEL, SCHEMA, STEP_AXIS, sampledNote, THEME } from './common.js';

export const LOSS_SERIES = ['raw', 'smoothed (EMA)', 'validation'] as const;
export type LossSeries = (typeof LOSS_SERIES)[number];

const SERIES_COLORS: Record<LossSeries, string> = {
  raw: '#9ecae1',
  'smoothed (EMA)': '#1f5fa8',
  validation: '#e6550d',
};

export interface LossRow {
  readonly task: string;
  readonly x: number;
  readonly y: number;
  readonly series: LossSeries;
}

/**
 * Per-task training loss (raw, faint; EMA-smoothed, bold) with the validation loss at each epoch's
 * end, one panel per task (losses of different tasks rarely share a scale). Without step lines the
 * per-epoch training loss of the epoch lines is used, on an epoch axis.
 */
export function lossChart(history: History, options: ChartOptions = {}): ChartPlan {
  const maxPoints = options.maxPoints ?? MAX_POINTS;
  const rows: LossRow[] = [];
  const onSteps = history.steps.length > 0;
  const ends = epochEndSteps(history.steps);
  // Without step lines the x axis is the epoch, counted from 1 like everywhere a person reads it.
  const atEpoch = (epoch: number) => (onSteps ? ends.get(epoch) : epoch + 1);
  for (const task of history.tasks) {
    const train: Point[] = onSteps
      ? history.steps.flatMap((s) => (task in s.losses ? [{ x: s.step, y: s.losses[task]! }] : []))
      : history.epochs.flatMap((e) => (task in e.losses ? [{ x: e.epoch + 1, y: e.losses[task]! }] : []));
    const weight = options.smoothing ?? autoSmoothing(train.length);
    for (const p of downsampleMinMax(train, maxPoints)) rows.push({ task, x: p.x, y: p.y, series: 'raw' });
    for (const p of downsampleEven(ema(train, weight), maxPoints)) rows.push({ task, x: p.x, y: p.y, series: 'smoothed (EMA)' });
    for (const e of history.epochs) {
      const x = atEpoch(e.epoch);
      const y = e.valLosses[task];
      if (x !== undefined && y !== undefined && Number.isFinite(y)) rows.push({ task, x, y, series: 'validation' });
    }
  }
  if (rows.length === 0) return { skipped: 'history.jsonl has no per-task losses (`loss/<task>`).' };
  const present = LOSS_SERIES.filter((s) => rows.some((r) => r.series === s));
  const hasValidation = present.includes('validation');
  const tasks = [...new Set(rows.map((r) => r.task))];
  const xTitle = onSteps ? 'step' : 'epoch';
  const x = { field: 'x', type: 'quantitative', title: xTitle, axis: STEP_AXIS } as const;
  const y = { field: 'y', type: 'quantitative', title: 'loss', scale: { zero: false } } as const;
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: present, range: present.map((s) => SERIES_COLORS[s]) },
  };
  const only = (series: LossSeries) => [{ filter: { field: 'series', equal: series } }];
  const trainCount = onSteps ? history.steps.length : history.epochs.length;
  const subtitle = [
    `raw (faint) and EMA-smoothed training loss${hasValidation ? '; validation loss at the end of each epoch (dashed)' : ''}`,
    sampledNote(trainCount, maxPoints, onSteps ? 'steps' : 'epochs'),
  ];
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: THEME,
    title: { text: 'Loss per task', subtitle },
    data: { values: rows },
    facet: { field: 'task', type: 'nominal', sort: tasks, title: null },
    columns: facetColumns(tasks.length),
    spec: {
      width: PANEL.width,
      height: PANEL.height,
      layer: [
        { transform: only('raw'), mark: { type: 'line', strokeWidth: 1, opacity: 0.6 }, encoding: { x, y, color } },
        { transform: only('smoothed (EMA)'), mark: { type: 'line', strokeWidth: 2.2 }, encoding: { x, y, color } },
        {
          transform: only('validation'),
          mark: { type: 'line', strokeWidth: 2, strokeDash: [5, 3], point: { filled: true, size: 40 } },
          encoding: { x, y, color },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
  };
  return { spec };
}
