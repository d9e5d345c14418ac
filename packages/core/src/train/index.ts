export { History, type Logs, type TrainCallback } from './callbacks.js';
export { type Evaluation, evaluate } from './evaluate.js';
export { JointStep, type StepOptions, type StepResult, rowCosines, taskLoss } from './joint-step.js';
export { ProgressLogger } from './progress.js';
export { type Reducer, localReducer } from './reducer.js';
export { type FitResult, Trainer, type TrainerOptions } from './trainer.js';
