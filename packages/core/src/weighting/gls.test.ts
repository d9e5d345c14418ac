import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGls } from './gls.js';
import { buildContext, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GLS', () => {
  it('equals the geometric mean, and its gradient is L/(T·L_t)', () => {
    const w = createGls({}, buildContext(3));
    const L = [0.5, 2, 8];
    const vars = L.map((l) => tf.variable(tf.scalar(l)));
    const { value, grads } = tf.variableGrads(() => {
      const r = w.combineLosses(vars as unknown as tf.Scalar[], stepContext(3));
      return r.total;
    }, vars);
    const g = Math.cbrt(0.5 * 2 * 8);
    expect(value.dataSync()[0]).toBeCloseTo(g, 5);
    vars.forEach((v, i) => {
      expect(grads[v.name]!.dataSync()[0]).toBeCloseTo(g / (3 * L[i]!), 5);
    });
    const r = w.combineLosses(vars as unknown as tf.Scalar[], stepContext(3));
    r.weights.forEach((x, i) => {
      expect(x).toBeCloseTo(g / (3 * L[i]!), 10);
    });
    tf.dispose([value, r.total, ...Object.values(grads), ...vars]);
  });
});
