export { History, type Logs, type TrainCallback } from './callbacks.js';
export { type Evaluation, evaluate } from './evaluate.js';
export { JointStep, rowCosines, type StepOptions, type StepResult, taskLoss } from './joint-step.js';
export { ProgressLogger } from './progress.js';
export { localReducer, type Reducer } from './reducer.js';
export { type FitResult, Trainer, type TrainerOptions } from './trainer.js';
