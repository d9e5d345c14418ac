export {
  binaryCrossEntropy,
  maskedMean,
  meanAbsoluteError,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './losses.js';
export {
  binaryTask,
  createMetrics,
  createTask,
  l1RegressionTask,
  MetricSpec,
  multiclassTask,
  regressionTask,
  TaskConfig,
  type TaskKind,
  taskRegistry,
} from './task-kinds.js';
export { type HeadSpec, isSupervised, type TaskSpec, taskHeads, taskLabelKey } from './task-spec.js';
