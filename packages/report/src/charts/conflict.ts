import type { TrainingHistory as History } from '@polytask/core';
import type { TopLevelSpec } from 'vega-lite';
import { meanCosineMatrix, pairSamples } from '../cosines.js';
import { autoSmoothing, downsampleEven, downsampleMinMax, ema, MAX_POINTS } from '../series.js';
import { type ChartOptions, type ChartPlan, PANEL, SCHEMA, STEP_AXIS, sampledNote, THEME } from './common.js';

/** Up to this many tasks the pairwise cosines are drawn as lines over steps; above it, a heatmap. */
export const MAX_TASKS_FOR_LINES = 4;

export interface CosineRow {
  readonly pair: string;
  readonly step: number;
  readonly cosine: number;
  readonly series: 'raw' | 'smoothed';
}

export interface CosineCell {
  readonly a: string;
  readonly b: string;
  /** Mean cosine; `null` on the diagonal and for a pair never logged (left blank). */
  readonly cosine: number | null;
}

const NO_COSINES = 'history.jsonl has no gradient cosines (`cosines` on step lines; set train.gradientCosineEvery > 0 to log them).';

/**
 * Gradient conflict: for 2–4 tasks, the cosine of each task pair's gradients over steps (raw faint,
 * EMA bold) with a rule at 0 — below it the tasks pull the shared weights in opposing directions.
 * For more tasks, a heatmap of the mean cosine matrix on a diverging scale centred at 0.
 */
export function conflictChart(history: History, options: ChartOptions = {}): ChartPlan {
  const { pairs, samples } = pairSamples(history);
  if (pairs.length === 0) return { skipped: NO_COSINES };
  const tasks = new Set(pairs.flat());
  return tasks.size <= MAX_TASKS_FOR_LINES ? cosineLines(samples, options) : cosineHeatmap(history);
}

function cosineLines(samples: ReturnType<typeof pairSamples>['samples'], options: ChartOptions): ChartPlan {
  const maxPoints = options.maxPoints ?? MAX_POINTS;
  const rows: CosineRow[] = [];
  const labels = [...new Set(samples.map((s) => s.pair))];
  let logged = 0;
  for (const pair of labels) {
    const points = samples.filter((s) => s.pair === pair).map((s) => ({ x: s.step, y: s.cosine }));
    logged = Math.max(logged, points.length);
    const weight = options.smoothing ?? autoSmoothing(points.length, 0.05);
    for (const p of downsampleMinMax(points, maxPoints)) rows.push({ pair, step: p.x, cosine: p.y, series: 'raw' });
    for (const p of downsampleEven(ema(points, weight), maxPoints)) rows.push({ pair, step: p.x, cosine: p.y, series: 'smoothed' });
  }
  const x = { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS } as const;
  const y = {
    field: 'cosine',
    type: 'quantitative' as const,
    title: 'cosine of task gradients',
    scale: { domain: [-1, 1] },
    axis: { values: [-1, -0.5, 0, 0.5, 1] },
  };
  const color = {
    field: 'pair',
    type: 'nominal' as const,
    sort: labels,
    title: 'task pair',
    scale: { scheme: 'tableau10' },
    legend: { labelLimit: 400, symbolOpacity: 1, symbolStrokeWidth: 3 },
  };
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: THEME,
    title: {
      text: 'Gradient conflict',
      subtitle: [
        'cosine between task gradients on the shared weights: below 0 (dashed) the tasks conflict',
        `raw (faint) and EMA-smoothed; ${sampledNote(logged, maxPoints, 'logged steps')}`,
      ],
    },
    width: PANEL.width * 2,
    height: PANEL.height + 40,
    layer: [
      {
        data: { values: rows },
        transform: [{ filter: { field: 'series', equal: 'raw' } }],
        mark: { type: 'line', strokeWidth: 1, opacity: labels.length > 1 ? 0.2 : 0.35, clip: true },
        encoding: { x, y, color },
      },
      {
        data: { values: rows },
        transform: [{ filter: { field: 'series', equal: 'smoothed' } }],
        mark: { type: 'line', strokeWidth: 2.2, clip: true },
        encoding: { x, y, color },
      },
      // on top, so 0 stays visible through the raw lines
      {
        data: { values: [{ zero: 0 }] },
        mark: { type: 'rule', strokeDash: [6, 4], color: '#333', strokeWidth: 1.2 },
        encoding: { y: { field: 'zero', type: 'quantitative', scale: { domain: [-1, 1] } } },
      },
    ],
  };
  return { spec };
}

function cosineHeatmap(history: History): ChartPlan {
  const { tasks, matrix } = meanCosineMatrix(history);
  const cells: CosineCell[] = tasks.flatMap((a, i) =>
    tasks.map((b, j) => {
      const v = matrix[i]?.[j] ?? Number.NaN;
      return { a, b, cosine: i !== j && Number.isFinite(v) ? v : null };
    }),
  );
  const side = Math.max(240, Math.min(640, tasks.length * 56));
  const long = tasks.some((t) => t.length > 6);
  const axis = long ? ({ labelAngle: -35, labelAlign: 'left', labelLimit: 160 } as const) : ({ labelAngle: 0 } as const);
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: THEME,
    title: {
      text: 'Gradient conflict (mean cosine)',
      subtitle: 'mean cosine between task gradients over the logged steps; red: below 0, the tasks conflict',
    },
    data: { values: cells },
    width: side,
    height: side,
    encoding: {
      x: { field: 'b', type: 'nominal', sort: tasks, title: null, axis: { ...axis, orient: 'top' } },
      y: { field: 'a', type: 'nominal', sort: tasks, title: null, axis: { labelLimit: 160 } },
    },
    layer: [
      {
        transform: [{ filter: 'isValid(datum.cosine)' }],
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'cosine',
            type: 'quantitative',
            title: 'cosine',
            scale: { scheme: 'redblue', domain: [-1, 1], domainMid: 0 },
            legend: { orient: 'right', direction: 'vertical', values: [-1, -0.5, 0, 0.5, 1], gradientLength: 200 },
          },
        },
      },
      {
        transform: [{ filter: 'isValid(datum.cosine)' }],
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          text: { field: 'cosine', type: 'quantitative', format: '.2f' },
          color: { condition: { test: 'abs(datum.cosine) > 0.6', value: 'white' }, value: 'black' },
        },
      },
    ],
  };
  return { spec };
}
