export { resolveFolder, writeFileAtomic, writeFolderAtomic } from './atomic.js';
export {
  loadCheckpoint,
  loadWeights,
  type ModelJson,
  type ModelMeta,
  readModelJson,
  saveCheckpoint,
  saveModel,
  type TrainingState,
} from './checkpoint.js';
export { type LoadedModel, loadModel, modelDirOf, type Prediction, type PredictOptions } from './load-model.js';
