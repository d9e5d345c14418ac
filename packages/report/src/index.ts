/**
 * @polytask/report — a training run folder → loss, task-weight, gradient-conflict and metric charts (PNG), report.md
 * and summary.json.
 *
 * @module @polytask/report
 */
// The history format is core's (the trainer writes it); re-exported so report users need one import.
export {
  type CosineRecord,
  type EpochRecord,
  parseHistory,
  RunFormatError,
  readHistory,
  type StepRecord,
  type TrainingHistory,
} from '@polytask/core';
export type { ChartOptions, ChartPlan } from './charts/common.js';
export { conflictChart } from './charts/conflict.js';
export { lossChart } from './charts/loss.js';
export { metricsChart } from './charts/metrics.js';
export { weightsChart } from './charts/weights.js';
export { meanCosineMatrix, type PairCosine, pairCosines } from './cosines.js';
export { buildMarkdown } from './markdown.js';
export { renderPng, specToSvg, svgToPng } from './render.js';
export { parseMetrics, type RunFolder, type RunMetrics, readRunFolder } from './run-folder.js';
export { autoSmoothing, downsampleEven, downsampleMinMax, ema, MAX_POINTS, type Point } from './series.js';
export { buildSummary, CHART_NAMES, type ChartName, type ChartOutcome, type ReportSummary } from './summary.js';
export { type ReportOptions, type ReportResult, writeReport } from './write-report.js';
