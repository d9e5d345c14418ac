export { recoverFolder, removeLeftovers, resolveFolder, writeFileAtomic, writeFolderAtomic } from './atomic.js';
export {
  DamagedFileError,
  loadCheckpoint,
  loadWeights,
  type ModelJson,
  type ModelMeta,
  readModelJson,
  readTrainingState,
  saveCheckpoint,
  saveModel,
  type TrainingState,
} from './checkpoint.js';
export { type LoadedModel, loadModel, modelDirOf, type Prediction, type PredictOptions } from './load-model.js';
export { canonicalJson, configDifferences, type RunIdentity, runIdentity, sameRun } from './run-identity.js';
