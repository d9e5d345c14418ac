import type { Config, TopLevelSpec } from 'vega-lite';

/** A chart to draw, or why there is none (said in report.md). */
export type ChartPlan = { readonly spec: TopLevelSpec; readonly note?: string } | { readonly skipped: string };

/** Options shared by the chart builders. */
export interface ChartOptions {
  /** Cap on points per plotted series (default {@link MAX_POINTS}). */
  readonly maxPoints?: number;
  /** EMA weight in [0, 1); default chosen from the series length ({@link autoSmoothing}). */
  readonly smoothing?: number;
}

export const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** Facet panel size in pixels (before the PNG's 2× density). */
export const PANEL = { width: 380, height: 190 } as const;

/** A quiet, readable look shared by every chart. */
export const THEME: Config = {
  background: 'white',
  padding: 12,
  font: 'DejaVu Sans, Helvetica, Arial, sans-serif',
  title: { fontSize: 16, anchor: 'start', subtitleFontSize: 12, subtitleColor: '#555', offset: 10 },
  axis: { labelFontSize: 11, titleFontSize: 12, titleFontWeight: 'normal', gridColor: '#e8e8e8', domainColor: '#888' },
  header: { labelFontSize: 13, labelFontWeight: 'bold', titleFontSize: 13 },
  legend: { labelFontSize: 12, titleFontSize: 12, orient: 'bottom', direction: 'horizontal' },
  view: { stroke: '#ddd' },
  line: { strokeWidth: 2 },
};

/** A step axis labelled 0, 400, 1.2k, 100k: short labels that don't collide in a small panel. */
export const STEP_AXIS = {
  labelExpr: "datum.value >= 1000 ? format(datum.value / 1000, '~r') + 'k' : format(datum.value, '~r')",
} as const;

/** Facet columns for `n` panels: 1 → 1, 2 and 4 → 2, otherwise 3. */
export function facetColumns(n: number): number {
  if (n <= 1) return 1;
  if (n === 2 || n === 4) return 2;
  return 3;
}

/** Step at the end of each epoch (the largest logged step in it), for placing per-epoch values on a step axis. */
export function epochEndSteps(steps: readonly { readonly step: number; readonly epoch: number }[]): Map<number, number> {
  const ends = new Map<number, number>();
  for (const s of steps) ends.set(s.epoch, Math.max(ends.get(s.epoch) ?? -Infinity, s.step));
  return ends;
}

/** "N steps" subtitle fragment noting the downsampling when it happened. */
export function sampledNote(total: number, maxPoints: number, unit = 'steps'): string {
  return total > maxPoints
    ? `${total.toLocaleString('en-US')} ${unit}, drawn with ≤ ${maxPoints.toLocaleString('en-US')} points per line`
    : `${total.toLocaleString('en-US')} ${unit}`;
}
