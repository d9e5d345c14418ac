/**
 * @polytask/core — domain-free multi-task learning on TensorFlow.js.
 *
 * Three independent axes, each a string-keyed registry chosen by name in config:
 * - tasks (head, loss, metrics, direction): `taskRegistry`, `headRegistry`, `metricRegistry`;
 * - architecture (what is shared): `trunkRegistry`, `architectureRegistry`;
 * - weighting (how tasks combine): `weightingRegistry`.
 * `Trainer` runs the joint optimizer over them; `loadModel` turns a trained model folder back into predictions; a
 * `DomainAdapter` is what a domain supplies to get its command-line app (`@polytask/cli`).
 * Everything that runs without Node (no `node:` imports) is also exported from `@polytask/core/browser`.
 *
 * @module @polytask/core
 */
export * from './backend/index.js';
export * from './browser.js';
export { describeIssue, describeIssues, fieldPath, loadConfigFile, validate } from './config/load-config.js';
export { installUnknownKeyMessages, unknownKeysMessage } from './config/strict-keys.js';
export * from './export/index.js';
export * from './io/index.js';
export * from './train/index.js';
