import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { lossValues } from './grad-utils.js';
import { parseOptions } from './options.js';
import { type LossWeighting, noState, type WeightingBuildContext } from './weighting.js';

export const GlsOptions = z.strictObject({});

/**
 * Geometric loss strategy (Chennupati et al., CVPRW 2019): L = (Π_t L_t)^{1/T}, computed as exp(mean log L_t) for
 * stability (same value and gradient). Reported weights are the effective ones, ∂L/∂L_t = L/(T·L_t).
 */
export function createGls(options: Record<string, unknown>, _ctx: WeightingBuildContext): LossWeighting {
  parseOptions('GLS', GlsOptions, options);
  return {
    name: 'GLS',
    kind: 'loss',
    ...noState,
    combineLosses(losses) {
      const T = losses.length;
      const values = lossValues(losses);
      const total = tf.tidy(() => tf.exp(tf.mean(tf.log(tf.stack(losses)))) as tf.Scalar);
      const g = Math.exp(values.reduce((s, l) => s + Math.log(l), 0) / T);
      return { total, weights: values.map((l) => g / (T * l)) };
    },
  };
}
