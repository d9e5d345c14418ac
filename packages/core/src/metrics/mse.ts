import type { Metric } from './metric.js';
import { createRegressionError } from './regression.js';

/** Mean squared error over samples and outputs, name `mse`, lower is better. No options. */
export function createMse(options?: Record<string, unknown>): Metric<number> {
  return createRegressionError('mse', (d) => d * d, options);
}
