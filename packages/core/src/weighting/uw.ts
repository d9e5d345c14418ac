import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { createParameter } from '../nn/module.js';
import { parseOptions, parseState } from './options.js';
import type { LossWeighting, WeightingBuildContext } from './weighting.js';

export const UwOptions = z.strictObject({
  /** Initial log-variance s₀ (LibMTL: −0.5). */
  init: z.number().default(-0.5),
});

const UwState = z.object({ logVariance: z.array(z.number()) });

/**
 * Uncertainty weighting (Kendall et al., CVPR 2018), LibMTL form: L = Σ_t L_t / (2 e^{s_t}) + s_t / 2 with learnable
 * log-variances s_t (owned here, returned by `parameters()`, updated by the model's optimizer).
 * For fixed L_t, ∂/∂s_t = ½ − L_t/(2e^{s_t}) = 0 ⇒ s_t* = log L_t. Reported weights: 1/(2e^{s_t}).
 */
export function createUw(options: Record<string, unknown>, ctx: WeightingBuildContext): LossWeighting {
  const o = parseOptions('UW', UwOptions, options);
  const T = ctx.tasks.length;
  const s = createParameter('weighting/UW/logVariance', tf.fill([T], o.init, 'float32'));
  return {
    name: 'UW',
    kind: 'loss',
    parameters: () => [s],
    combineLosses(losses) {
      const sv = Array.from(s.variable.dataSync());
      const total = tf.tidy(() => {
        const l = tf.stack(losses) as tf.Tensor1D;
        const v = s.variable as tf.Tensor1D;
        return tf.sum(tf.add(tf.div(l, tf.mul(2, tf.exp(v))), tf.div(v, 2))) as tf.Scalar;
      });
      return { total, weights: sv.map((x) => 1 / (2 * Math.exp(x))) };
    },
    getState: () => ({ logVariance: Array.from(s.variable.dataSync()) }),
    setState(state) {
      const st = parseState('UW', UwState, state);
      if (st.logVariance.length !== T) throw new Error(`weighting "UW": state has ${st.logVariance.length} tasks, expected ${T}`);
      tf.tidy(() => s.variable.assign(tf.tensor1d(st.logVariance, 'float32')));
    },
    dispose: () => s.variable.dispose(),
  };
}
