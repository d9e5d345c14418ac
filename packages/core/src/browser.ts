/**
 * @polytask/core/browser — the part of core that runs anywhere TensorFlow.js runs (browser, worker, edge): modules
 * and layers, trunks, heads, sharing architectures, task kinds, weightings, the joint step, metrics, in-memory
 * datasets and the config schemas. Nothing here imports a `node:` module, so a bundler can use it as is; the Node
 * parts (Trainer and its file callbacks, checkpoints, loadModel, backend selection) are in `@polytask/core`.
 *
 * @module @polytask/core/browser
 */
export * from './arch/index.js';
export { type Catalog, type CatalogEntry, describeOptions, formatCatalog, type OptionInfo, registryCatalog } from './config/catalog.js';
export { type RunConfigSchemaOptions, runConfigJsonSchema } from './config/json-schema.js';
export {
  EarlyStoppingConfig,
  OptimizerConfig,
  RunConfig,
  type RunConfigInput,
  ScheduleConfig,
  TrainConfig,
} from './config/run-config.js';
export * from './data/index.js';
export * from './domain/index.js';
export * from './heads/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export { type LayoutEntry, ParameterLayout } from './params/parameter-layout.js';
export { type TwoTaskOptions, twoTaskProblem } from './synthetic/two-task.js';
export * from './tasks/index.js';
export { type FitRun, History, type Logs, type TrainCallback } from './train/callbacks.js';
export { EarlyStopping, type EarlyStoppingOptions } from './train/early-stopping.js';
export { type Evaluation, evaluate } from './train/evaluate.js';
export { JointStep, rowCosines, type StepOptions, type StepResult, taskLoss } from './train/joint-step.js';
export { chooseMonitor, Monitor, splitMonitor } from './train/monitor.js';
export { localReducer, type Reducer } from './train/reducer.js';
export * from './trunk/index.js';
export { closest, didYouMean, editDistance } from './util/did-you-mean.js';
export { DataError, ExitCode, isZodError, OptionsError, type OptionsIssue, PolytaskError, UsageError } from './util/errors.js';
export { type LogLevel, logDebug, logInfo, logLevel, setLogLevel } from './util/log.js';
export { Registry } from './util/registry.js';
export { Rng, type RngState } from './util/rng.js';
export * from './weighting/index.js';
