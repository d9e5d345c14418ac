export { type FitRun, History, type Logs, type TrainCallback } from './callbacks.js';
export { type Collective, collectiveReducer } from './collective.js';
export { DataParallel, type RankPosition } from './data-parallel.js';
export { allFinite, DivergenceError, NonFiniteGuard } from './divergence.js';
export { EarlyStopping, type EarlyStoppingOptions } from './early-stopping.js';
export { type Evaluation, evaluate } from './evaluate.js';
export { HistoryFile } from './history-file.js';
export {
  type CosineRecord,
  type EpochRecord,
  epochLine,
  epochLogs,
  parseHistory,
  RunFormatError,
  readHistory,
  type StepRecord,
  stepLine,
  type TrainingHistory,
} from './history-record.js';
export { JointStep, rowCosines, type StepOptions, type StepResult, taskLoss } from './joint-step.js';
export { ModelCheckpoint, type ModelCheckpointOptions } from './model-checkpoint.js';
export { chooseMonitor, Monitor, splitMonitor } from './monitor.js';
export { fmt, formatSeconds, ProgressLogger } from './progress.js';
export { localReducer, type Reducer } from './reducer.js';
export { type FitResult, Trainer, type TrainerOptions } from './trainer.js';
