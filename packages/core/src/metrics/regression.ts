import { z } from 'zod';
import { batchSize, included, parseOptions, readMask } from './common.js';
import type { Metric, MetricInput } from './metric.js';

export const RegressionErrorOptions = z.strictObject({});

/**
 * A mean elementwise error over samples and outputs: predictions [B] or [B, K] against labels of the same size
 * ([B] and [B, 1] are interchangeable); a masked-out sample drops all its K outputs. NaN before any sample.
 */
export function createRegressionError(
  name: string,
  error: (diff: number) => number,
  options: Record<string, unknown> | undefined,
): Metric<number> {
  parseOptions(name, RegressionErrorOptions, options);
  let sum = 0;
  let count = 0;
  return {
    name,
    direction: 'min',
    update({ predictions, labels, mask }: MetricInput): void {
      const n = batchSize(name, predictions);
      if (!labels) throw new Error(`metric "${name}": needs dense labels`);
      if (labels.size !== predictions.size || labels.shape[0] !== n) {
        throw new Error(`metric "${name}": labels [${labels.shape.join(', ')}] do not match predictions [${predictions.shape.join(', ')}]`);
      }
      if (n === 0) return;
      const outputs = predictions.size / n;
      const p = predictions.dataSync();
      const y = labels.dataSync();
      const m = readMask(name, mask, n);
      for (let i = 0; i < n; i++) {
        if (!included(m, i)) continue;
        for (let k = i * outputs; k < (i + 1) * outputs; k++) sum += error(p[k]! - y[k]!);
        count += outputs;
      }
    },
    result: () => (count === 0 ? Number.NaN : sum / count),
    reset(): void {
      sum = 0;
      count = 0;
    },
  };
}
