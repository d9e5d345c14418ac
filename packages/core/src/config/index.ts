export { describeIssue, describeIssues, fieldPath, loadConfigFile, validate } from './load-config.js';
export {
  EarlyStoppingConfig,
  OptimizerConfig,
  RunConfig,
  type RunConfigInput,
  ScheduleConfig,
  TrainConfig,
} from './run-config.js';
export { installUnknownKeyMessages, unknownKeysMessage } from './strict-keys.js';
