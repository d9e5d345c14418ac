import { parseHistory } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { syntheticHistoryLines } from '../../test/synthetic-run.js';
import type { ChartPlan } from './common.js';
import { conflictChart } from './conflict.js';
import { type LossRow, lossChart } from './loss.js';
import { DELTA_M_PANEL, type MetricRow, metricsChart } from './metrics.js';
import { type WeightRow, weightsChart } from './weights.js';

// Specs are plain JSON: read them as such.
// biome-ignore lint/suspicious/noExplicitAny: reading a JSON spec in tests
type Json = { [key: string]: any };
function specOf(plan: ChartPlan): Json {
  if ('skipped' in plan) throw new Error(`unexpected skip: ${plan.skipped}`);
  return plan.spec as unknown as Json;
}
const history = (o: Parameters<typeof syntheticHistoryLines>[0] = {}) => parseHistory(syntheticHistoryLines(o).join('\n'));

describe('lossChart', () => {
  it('faceted by task with raw, smoothed and validation layers', () => {
    const spec = specOf(lossChart(history({ steps: 100, epochs: 4 })));
    expect(spec.facet).toMatchObject({ field: 'task', sort: ['income', 'never_married'] });
    expect(spec.resolve).toEqual({ scale: { y: 'independent' } });
    const layers = spec.spec.layer as Json[];
    expect(layers.map((l) => l.transform[0].filter.equal)).toEqual(['raw', 'smoothed (EMA)', 'validation']);
    expect(layers[0]?.encoding).toMatchObject({ x: { field: 'x', title: 'step' }, y: { field: 'y' }, color: { field: 'series' } });
    expect(layers[0]?.mark.opacity).toBeLessThan(1);
    const rows = spec.data.values as LossRow[];
    expect(rows.filter((r) => r.task === 'income' && r.series === 'raw')).toHaveLength(100);
    // validation loss sits at the last step of each epoch (25 steps per epoch)
    expect(rows.filter((r) => r.task === 'income' && r.series === 'validation').map((r) => r.x)).toEqual([24, 49, 74, 99]);
  });

  it('keeps ≤ maxPoints per series on a 100k-step run', () => {
    const spec = specOf(lossChart(history({ steps: 100_000, epochs: 2, cosineEvery: 0 })));
    const rows = spec.data.values as LossRow[];
    for (const series of ['raw', 'smoothed (EMA)'] as const) {
      const n = rows.filter((r) => r.task === 'income' && r.series === series).length;
      expect(n).toBeGreaterThan(1000);
      expect(n).toBeLessThanOrEqual(2000);
    }
    expect(spec.title.subtitle.join(' ')).toContain('100,000 steps');
  });

  it('leaves validation out of the legend when there is none, and skips with no losses', () => {
    const spec = specOf(lossChart(history({ validation: false })));
    expect(spec.spec.layer[0].encoding.color.scale.domain).toEqual(['raw', 'smoothed (EMA)']);
    const plan = lossChart(parseHistory('{"type":"step","step":0,"epoch":0,"loss":1}'));
    expect(plan).toEqual({ skipped: expect.stringContaining('no per-task losses') });
  });
});

describe('weightsChart', () => {
  it('one line per task over steps', () => {
    const spec = specOf(weightsChart(history({ adaptiveWeights: true })));
    expect(spec.mark.type).toBe('line');
    expect(spec.encoding).toMatchObject({ x: { field: 'step' }, y: { field: 'weight' }, color: { field: 'task' } });
    const rows = spec.data.values as WeightRow[];
    expect(new Set(rows.map((r) => r.task))).toEqual(new Set(['income', 'never_married']));
    expect(spec.title.subtitle[0]).not.toContain('constant');
  });
  it('says when weights are constant', () => {
    expect(specOf(weightsChart(history())).title.subtitle[0]).toContain('constant');
  });
});

describe('conflictChart', () => {
  it('draws pair lines on [-1, 1] with a dashed rule at 0 for 2–4 tasks', () => {
    const spec = specOf(conflictChart(history({ tasks: ['a', 'b', 'c'], steps: 100, cosineEvery: 10 })));
    const [raw, smooth, rule] = spec.layer as [Json, Json, Json];
    expect(rule).toMatchObject({ mark: { type: 'rule' }, data: { values: [{ zero: 0 }] } });
    expect(raw.encoding.y.scale.domain).toEqual([-1, 1]);
    expect(smooth.encoding.color.field).toBe('pair');
    expect(new Set((raw.data.values as Json[]).map((r) => r.pair))).toEqual(new Set(['a ↔ b', 'a ↔ c', 'b ↔ c']));
    expect((raw.data.values as Json[]).filter((r) => r.pair === 'a ↔ b' && r.series === 'raw')).toHaveLength(10);
  });

  it('draws a heatmap of the mean matrix centred at 0 for more tasks', () => {
    const spec = specOf(conflictChart(history({ tasks: ['a', 'b', 'c', 'd', 'e'], steps: 50 })));
    const cells = spec.data.values as Json[];
    expect(cells).toHaveLength(25);
    expect(cells.find((c) => c.a === 'a' && c.b === 'a')?.cosine).toBeNull();
    expect(typeof cells.find((c) => c.a === 'a' && c.b === 'b')?.cosine).toBe('number');
    expect(spec.layer[0].encoding.color.scale).toMatchObject({ domain: [-1, 1], domainMid: 0 });
  });

  it('is skipped, with the reason, without cosines', () => {
    expect(conflictChart(history({ cosineEvery: 0 }))).toEqual({ skipped: expect.stringContaining('gradientCosineEvery') });
  });
});

describe('metricsChart', () => {
  it('one panel per task plus Δm, and the best epoch marked', () => {
    const spec = specOf(metricsChart(history({ epochs: 3 }), { bestEpoch: 1 }));
    expect(spec.facet.sort).toEqual(['income', 'never_married', DELTA_M_PANEL]);
    const rows = spec.data.values as MetricRow[];
    expect(rows.filter((r) => r.task === 'income' && r.metric === 'auc').map((r) => r.epoch)).toEqual([1, 2, 3]);
    const [best, lines] = spec.spec.layer as Json[];
    expect(best).toMatchObject({ mark: { type: 'rule' }, transform: [{ filter: { field: 'epoch', equal: 1 } }] });
    expect(lines?.encoding).toMatchObject({ x: { field: 'epoch' }, y: { field: 'value' }, color: { field: 'metric' } });
  });
  it('is skipped without validation metrics', () => {
    expect(metricsChart(history({ validation: false }))).toEqual({ skipped: expect.stringContaining('no validation metrics') });
  });
});
