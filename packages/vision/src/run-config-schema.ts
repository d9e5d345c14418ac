import { runConfigJsonSchema } from '@polytask/core';
import { VisionDataConfig } from './data/config.js';
import './register.js';

/** JSON Schema of a vision run config: core's run config with the vision `data` section (schema/run-config.schema.json). */
export function visionRunConfigJsonSchema(): Record<string, unknown> {
  return runConfigJsonSchema({ data: VisionDataConfig, title: 'Polytask vision run config' });
}
