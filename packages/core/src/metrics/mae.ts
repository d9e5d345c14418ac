import type { Metric } from './metric.js';
import { createRegressionError } from './regression.js';

/** Mean absolute error over samples and outputs, name `mae`, lower is better. No options. */
export function createMae(options?: Record<string, unknown>): Metric<number> {
  return createRegressionError('mae', Math.abs, options);
}
