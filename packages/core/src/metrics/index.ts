import { createAccuracy } from './accuracy.js';
import { createAuc } from './auc.js';
import { createF1 } from './f1.js';
import { createGauc } from './gauc.js';
import { createLogloss } from './logloss.js';
import { createMae } from './mae.js';
import { metricRegistry } from './metric.js';
import { createMse } from './mse.js';
import { createPrecision } from './precision.js';
import { createRecall } from './recall.js';

// Built-in metrics, looked up by the names used in task configs. Importing this module registers them.
// (Entity F1 for NLP and COCO mAP for vision are registered by their own packages.)
metricRegistry.register('accuracy', createAccuracy);
metricRegistry.register('precision', createPrecision);
metricRegistry.register('recall', createRecall);
metricRegistry.register('f1', createF1);
metricRegistry.register('auc', createAuc);
metricRegistry.register('logloss', createLogloss);
metricRegistry.register('mse', createMse);
metricRegistry.register('mae', createMae);
metricRegistry.register('gauc', createGauc);

export { AccuracyOptions, createAccuracy } from './accuracy.js';
export { AucOptions, aucFromScores, createAuc } from './auc.js';
export { included, parseOptions as parseMetricOptions, readMask, readPerSample, type SampleView, sampleView } from './common.js';
export { type Average, ClassificationScoreOptions, type ClassScores, ConfusionCounts, createClassificationScore } from './confusion.js';
export { deltaM, deltaMIfDefined, type TaskMetricValues } from './delta-m.js';
export { createF1 } from './f1.js';
export { createGauc, GaucOptions } from './gauc.js';
export { createLogloss, LoglossOptions } from './logloss.js';
export { createMae } from './mae.js';
export {
  type Direction,
  type Metric,
  type MetricBuildContext,
  type MetricFactory,
  type MetricInput,
  type MetricResult,
  metricRegistry,
  metricValueNames,
  metricValues,
} from './metric.js';
export { createMse } from './mse.js';
export { createPrecision } from './precision.js';
export { createRecall } from './recall.js';
export { createRegressionError, RegressionErrorOptions } from './regression.js';
