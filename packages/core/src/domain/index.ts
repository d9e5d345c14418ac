export type { DomainAdapter, DomainData, LoadDataOptions } from './domain.js';
