export { resolveFolder, writeFileAtomic, writeFolderAtomic } from './atomic.js';
export {
  type ModelJson,
  type ModelMeta,
  type TrainingState,
  loadCheckpoint,
  loadWeights,
  readModelJson,
  saveCheckpoint,
  saveModel,
} from './checkpoint.js';
