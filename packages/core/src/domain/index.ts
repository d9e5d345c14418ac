export type { DomainAdapter, DomainData, EncodedRecords, FormatContext, LoadDataOptions } from './domain.js';
export { parseSavedPreprocessing } from './saved-preprocessing.js';
