/**
 * @polytask/cli — the command-line layer of the domain apps (`polytask-<domain> train | eval | predict | export | report`):
 * argument parsing, progress bars, Ctrl-C checkpointing, metrics.json. Kept out of `@polytask/core` so a library
 * user installs no command-line dependencies.
 *
 * @module @polytask/cli
 */

export { type CapturedRun, runCaptured } from './run-captured.js';
export { type DomainCliOptions, ENVIRONMENT_HELP, type MetricsReport, type ReportWriter, runDomainCli } from './run-domain-cli.js';
export { TerminalProgress } from './terminal-progress.js';
