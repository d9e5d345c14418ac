export type { DomainAdapter, DomainData, EncodedRecords, FormatContext, LoadDataOptions } from './domain.js';
