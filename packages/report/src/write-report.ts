import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ChartOptions, ChartPlan } from './charts/common.js';
import { conflictChart } from './charts/conflict.js';
import { lossChart } from './charts/loss.js';
import { metricsChart } from './charts/metrics.js';
import { weightsAreConstant, weightsChart } from './charts/weights.js';
import { buildMarkdown } from './markdown.js';
import { renderPng } from './render.js';
import { readRunFolder } from './run-folder.js';
import { buildSummary, CHART_NAMES, type ChartName, type ChartOutcome, type ReportSummary } from './summary.js';

export interface ReportOptions extends ChartOptions {
  /** PNG pixel density relative to the chart's own size (default 2). */
  readonly scale?: number;
}

export interface ReportResult {
  readonly outDir: string;
  /** `outDir/report.md`. */
  readonly markdownFile: string;
  /** `outDir/summary.json`. */
  readonly summaryFile: string;
  /** Absolute paths of the PNGs written. */
  readonly pngFiles: readonly string[];
  readonly summary: ReportSummary;
}

/**
 * Reads a run folder written by `polytask-<domain> train --out DIR` (`history.jsonl` required;
 * `metrics.json` and `config.resolved.json` used when present) and writes into `outDir`:
 * `loss.png`, `weights.png`, `conflict.png`, `metrics.png` (each skipped, and said so, when its
 * data is absent), `report.md` and `summary.json`. Throws a `RunFormatError` naming the file (and
 * line) when an input is missing or malformed.
 */
export async function writeReport(runDir: string, outDir = join(runDir, 'report'), options: ReportOptions = {}): Promise<ReportResult> {
  const run = await readRunFolder(runDir);
  const { history } = run;
  const bestEpoch = run.metrics?.bestEpoch;
  const plans: Record<ChartName, ChartPlan> = {
    loss: lossChart(history, options),
    weights: weightsChart(history, options),
    conflict: conflictChart(history, options),
    metrics: metricsChart(history, bestEpoch === undefined ? {} : { bestEpoch }),
  };
  await mkdir(outDir, { recursive: true });
  const warnings = [...history.warnings];
  const charts = {} as Record<ChartName, ChartOutcome>;
  const pngFiles: string[] = [];
  for (const name of CHART_NAMES) {
    const plan = plans[name];
    const file = `${name}.png`;
    const path = join(outDir, file);
    if ('skipped' in plan) {
      charts[name] = { skipped: plan.skipped };
      await rm(path, { force: true }); // no stale chart from an earlier report
      continue;
    }
    try {
      await renderPng(plan.spec, path, options.scale);
      charts[name] = { file };
      pngFiles.push(path);
    } catch (e) {
      const why = `failed to render (${(e as Error).message})`;
      charts[name] = { skipped: why };
      warnings.push(`${file}: ${why}`);
      await rm(path, { force: true });
    }
  }
  const summary = buildSummary(run, charts, warnings);
  const notes: Partial<Record<ChartName, string>> = {};
  if ('file' in charts.weights && weightsAreConstant(history)) {
    notes.weights = 'The weights stay constant over the whole run (a static weighting such as equal weights).';
  }
  const markdownFile = join(outDir, 'report.md');
  const summaryFile = join(outDir, 'summary.json');
  await writeFile(markdownFile, buildMarkdown({ summary, config: run.config, notes }));
  await writeFile(summaryFile, `${JSON.stringify(summary, null, 2)}\n`);
  return { outDir, markdownFile, summaryFile, pngFiles, summary };
}
