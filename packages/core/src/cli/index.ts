export type { DomainAdapter, DomainData, LoadDataOptions } from './domain.js';
export { type DomainCliOptions, type MetricsReport, type ReportWriter, runDomainCli } from './run-domain-cli.js';
