import type { TrainingHistory as History } from '@polytask/core';
import type { TopLevelSpec } from 'vega-lite';
import { downsampleEven, MAX_POINTS, type Point } from '../series.js';
import { type ChartOptions, type ChartPlan, PANEL, SCHEMA, STEP_AXIS, sampledNote, THEME } from './common.js';

export interface WeightRow {
  readonly task: string;
  readonly step: number;
  readonly weight: number;
}

/** True when every task's weight never changes over the run (e.g. equal weighting). */
export function weightsAreConstant(history: History): boolean {
  const first: Record<string, number> = {};
  for (const s of history.steps) {
    for (const [t, w] of Object.entries(s.weights)) {
      if (!(t in first)) first[t] = w;
      else if (first[t] !== w) return false;
    }
  }
  return true;
}

/** Task weights over steps, one coloured line per task. */
export function weightsChart(history: History, options: ChartOptions = {}): ChartPlan {
  const maxPoints = options.maxPoints ?? MAX_POINTS;
  const rows: WeightRow[] = [];
  for (const task of history.tasks) {
    const points: Point[] = history.steps.flatMap((s) => (task in s.weights ? [{ x: s.step, y: s.weights[task]! }] : []));
    for (const p of downsampleEven(points, maxPoints)) rows.push({ task, step: p.x, weight: p.y });
  }
  if (rows.length === 0) return { skipped: 'history.jsonl has no task weights (`weight/<task>` on step lines).' };
  const tasks = [...new Set(rows.map((r) => r.task))];
  const constant = weightsAreConstant(history);
  const subtitle = [
    constant ? 'constant over the run: the weighting method does not adapt' : 'the weight each task’s loss gets in the joint update',
    sampledNote(history.steps.length, maxPoints),
  ];
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    config: THEME,
    title: { text: 'Task weights', subtitle },
    data: { values: rows },
    width: PANEL.width * 2,
    height: PANEL.height + 40,
    mark: { type: 'line', strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: STEP_AXIS },
      y: { field: 'weight', type: 'quantitative', title: 'weight', scale: { zero: constant } },
      color: { field: 'task', type: 'nominal', sort: tasks, title: 'task', scale: { scheme: 'tableau10' } },
    },
  };
  return { spec };
}
