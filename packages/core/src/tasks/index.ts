export {
  binaryCrossEntropy,
  maskedMean,
  meanAbsoluteError,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './losses.js';
export {
  MetricSpec,
  TaskConfig,
  type TaskKind,
  binaryTask,
  createMetrics,
  createTask,
  l1RegressionTask,
  multiclassTask,
  regressionTask,
  taskRegistry,
} from './task-kinds.js';
export { type HeadSpec, type TaskSpec, isSupervised, taskHeads, taskLabelKey } from './task-spec.js';
