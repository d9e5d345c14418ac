import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { softmax } from './grad-utils.js';
import { parseOptions, parseState } from './options.js';
import type { LossWeighting, WeightingBuildContext } from './weighting.js';

export const DwaOptions = z.strictObject({
  /** Softmax temperature (LibMTL `T`, default 2). */
  T: z.number().positive().default(2),
});

const DwaState = z.object({ history: z.array(z.array(z.number())) });

/**
 * Dynamic Weight Average (Liu et al., CVPR 2019): w = T·softmax(r/τ), r_t = L̄_t(e−1)/L̄_t(e−2) from the epoch
 * mean training losses (fed by `onEpochEnd`); equal weights (1) until two epochs have been seen. Weights sum to T.
 */
export function createDwa(options: Record<string, unknown>, ctx: WeightingBuildContext): LossWeighting {
  const o = parseOptions('DWA', DwaOptions, options, { temperature: 'T' });
  const T = ctx.tasks.length;
  let history: number[][] = [];
  const weightsNow = (): number[] => {
    const last = history[history.length - 1];
    const prev = history[history.length - 2];
    if (last === undefined || prev === undefined) return new Array<number>(T).fill(1);
    const r = last.map((l, i) => l / prev[i]! / o.T);
    return softmax(r).map((w) => w * T);
  };
  return {
    name: 'DWA',
    kind: 'loss',
    parameters: () => [],
    combineLosses(losses) {
      const w = weightsNow();
      const total = tf.tidy(() => tf.sum(tf.mul(tf.stack(losses), tf.tensor1d(w, 'float32'))) as tf.Scalar);
      return { total, weights: w };
    },
    onEpochEnd(_epoch, meanLosses) {
      if (meanLosses.length !== T) throw new Error(`weighting "DWA": expected ${T} epoch losses`);
      history = [...history, [...meanLosses]].slice(-2);
    },
    getState: () => ({ history: history.map((h) => [...h]) }),
    setState(state) {
      history = parseState('DWA', DwaState, state).history.slice(-2);
    },
  };
}
