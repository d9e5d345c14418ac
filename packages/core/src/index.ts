/**
 * @polytask/core — domain-free multi-task learning on TensorFlow.js.
 *
 * Three independent axes, each a string-keyed registry chosen by name in config:
 * - tasks (head, loss, metrics, direction): `taskRegistry`, `headRegistry`, `metricRegistry`;
 * - architecture (what is shared): `trunkRegistry`, `architectureRegistry`;
 * - weighting (how tasks combine): `weightingRegistry`.
 * `Trainer` runs the joint optimizer over them; a `DomainAdapter` is what a domain supplies to get its command-line app (`@polytask/cli`).
 */
export * from './arch/index.js';
export * from './backend/index.js';
export * from './config/index.js';
export * from './data/index.js';
export * from './domain/index.js';
export * from './heads/index.js';
export * from './io/index.js';
export * from './metrics/index.js';
export * from './model/index.js';
export * from './nn/index.js';
export * from './optim/index.js';
export { type LayoutEntry, ParameterLayout } from './params/parameter-layout.js';
export { type TwoTaskOptions, twoTaskProblem } from './synthetic/two-task.js';
export * from './tasks/index.js';
export * from './train/index.js';
export * from './trunk/index.js';
export { closest, didYouMean, editDistance } from './util/did-you-mean.js';
export { DataError, ExitCode, isZodError, OptionsError, type OptionsIssue, PolytaskError, UsageError } from './util/errors.js';
export { type LogLevel, logDebug, logInfo, logLevel, setLogLevel } from './util/log.js';
export { Registry } from './util/registry.js';
export { Rng, type RngState } from './util/rng.js';
export * from './weighting/index.js';
