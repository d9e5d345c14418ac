import { runConfigJsonSchema } from '@polytask/core';
import { RecsysDataConfig } from './datasets/config.js';
import './tasks/esmm.js';

/** JSON Schema of a recsys run config: core's run config with the recsys `data` section (schema/run-config.schema.json). */
export function recsysRunConfigJsonSchema(): Record<string, unknown> {
  return runConfigJsonSchema({ data: RecsysDataConfig, title: 'Polytask recsys run config' });
}
