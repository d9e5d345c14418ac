export { type HeatmapFocalLossOptions, heatmapFocalLoss } from './focal-loss.js';
export {
  binaryCrossEntropy,
  maskedMean,
  meanAbsoluteError,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './losses.js';
export {
  BinaryOptions,
  binaryTask,
  createMetrics,
  createTask,
  type KindConfig,
  l1RegressionTask,
  MetricSpec,
  MulticlassOptions,
  multiclassTask,
  type ParsedTaskConfig,
  RegressionOptions,
  regressionTask,
  type TaskBuildContext,
  TaskConfig,
  type TaskKind,
  taskKind,
  taskRegistry,
} from './task-kinds.js';
export {
  type DecodeContext,
  type HeadSpec,
  isSupervised,
  keptPositions,
  type TaskSpec,
  type TaskTargets,
  taskHeads,
  taskLabelKey,
  taskTargets,
} from './task-spec.js';
