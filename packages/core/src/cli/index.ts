export type { DomainAdapter, DomainData, LoadDataOptions } from './domain.js';
export { type MetricsReport, runDomainCli } from './run-domain-cli.js';
