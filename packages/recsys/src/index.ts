/**
 * @polytask/recsys — recommender multi-task learning on @polytask/core.
 *
 * - `readCsv`: streaming CSV (header or configured names, delimiter, quotes, `.gz`), rows with line numbers;
 * - `FeaturePipeline`: schema-driven features (vocabularies with minCount and OOV, hashing, standardize/log/bucketize,
 *   multi-valued fields), fitted on the training rows and serialized with the model;
 * - dataset presets `census-income-kdd` and `ali-ccp`, and `loadRecsysData` for any CSV described in config;
 * - ESMM tasks (`esmm-cvr`, `esmm-ctcvr`) next to core's binary tasks, AUC/logloss/GAUC metrics;
 * - `recsysDomain`: the DomainAdapter behind `polytask-recsys train | eval | predict`;
 * - `loadRecsysModel(dir)`: a trained model that scores raw records in one call.
 *
 * @module @polytask/recsys
 */

export { parseRecsysPreprocessing, RecsysPreprocessing, type RecsysState, recsysDomain } from './adapter.js';
export { CsvOptions, type CsvRow, readCsv, splitRecord } from './csv/reader.js';
export { ALI_CCP_DENSE, ALI_CCP_SPARSE, aliCcpFeatures, aliCcpPreset } from './datasets/ali-ccp.js';
export { CENSUS_COLUMNS, censusFeatures, censusIncomePreset } from './datasets/census-income.js';
export {
  BinaryColumn,
  LabelConfig,
  PRESETS,
  presetDefaults,
  RecsysDataConfig,
  type RecsysDataConfigInput,
  resolveDataConfig,
} from './datasets/config.js';
export { binaryValue, type LoadOptions, loadRecsysData, type RecsysData, USER_INPUT } from './datasets/load.js';
export { bucketId, parseNumber, quantileBoundaries, signedLog } from './features/numeric.js';
export {
  DENSE_INPUT,
  type FeatureEncoder,
  type FeatureLayout,
  FeaturePipeline,
  FittedFeature,
  MULTI_INPUT,
  PipelineFitter,
  PipelineState,
  type RawValue,
  type RowGetter,
  type RowSource,
  SPARSE_INPUT,
} from './features/pipeline.js';
export {
  Bucketize,
  CategoricalFeature,
  DEFAULT_MISSING,
  FeatureConfig,
  type FeatureConfigInput,
  FIRST_ID,
  MISSING_ID,
  MultiFeature,
  NumericFeature,
  OOV_ID,
} from './features/schema.js';
export { fnv1a, hashId, Vocabulary } from './features/vocabulary.js';
export { loadRecsysModel } from './load-recsys-model.js';
export { recsysRunConfigJsonSchema } from './run-config-schema.js';
export { type SyntheticImpressionOptions, type SyntheticImpressions, syntheticImpressions } from './synthetic/impressions.js';
export { buildTasks, esmmCtcvrTask, esmmCvrTask, recsysMetrics, type TaskBuildOptions } from './tasks/esmm.js';
