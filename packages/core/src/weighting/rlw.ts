import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { softmax } from './grad-utils.js';
import { parseOptions } from './options.js';
import { type LossWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const RlwOptions = z.strictObject({
  /**
   * 'tasks' (default): w = T·softmax(z), so the weights sum to T like EW and the learning rate keeps its meaning;
   * 'one': LibMTL's w = softmax(z) (sums to 1).
   */
  scale: z.enum(['tasks', 'one']).default('tasks'),
});

/**
 * Random loss weighting (Lin et al., TMLR 2022): z ~ N(0, I) redrawn every step from ctx.rng (the shared seeded
 * stream, so every rank draws the same weights), w = softmax(z) (× T by default).
 */
export function createRlw(options: Record<string, unknown>, _ctx: WeightingBuildContext): LossWeighting {
  const o = parseOptions('RLW', RlwOptions, options);
  return {
    name: 'RLW',
    kind: 'loss',
    ...noState,
    combineLosses(losses, ctx) {
      const T = losses.length;
      const z = losses.map(() => ctx.rng.normal());
      const w = softmax(z).map((x) => (o.scale === 'tasks' ? x * T : x));
      const total = tf.tidy(() => tf.sum(tf.mul(tf.stack(losses), tf.tensor1d(w, 'float32'))) as tf.Scalar);
      return { total, weights: w };
    },
  };
}
