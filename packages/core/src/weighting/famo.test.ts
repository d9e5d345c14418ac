import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFamo } from './famo.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('FAMO', () => {
  it('starts from uniform z: effective weights ∝ 1/L_t and sum to 1; gradient matches', () => {
    const w = createFamo({}, buildContext(2));
    const L = [1, 4];
    const vars = L.map((l) => tf.variable(tf.scalar(l)));
    const { value, grads } = tf.variableGrads(() => w.combineLosses(vars as unknown as tf.Scalar[], stepContext(2)).total, vars);
    // c = Σ z/L = 0.5(1 + 1/4) = 0.625; total = Σ 0.5 log L / c
    expect(value.dataSync()[0]).toBeCloseTo((0.5 * Math.log(4)) / 0.625, 5);
    const r = w.combineLosses(vars as unknown as tf.Scalar[], stepContext(2));
    expect(r.weights[0]).toBeCloseTo(0.8, 6);
    expect(r.weights[1]).toBeCloseTo(0.2, 6);
    vars.forEach((v, i) => {
      expect(grads[v.name]!.dataSync()[0]).toBeCloseTo(r.weights[i]!, 5);
    });
    tf.dispose([value, r.total, ...Object.values(grads), ...vars]);
  });

  it('after a step, the task whose log-loss fell more loses weight (first Adam step = −lr·sign)', () => {
    const w = createFamo({ gamma: 0 }, buildContext(2));
    w.afterStep?.(stepContext(2), [1, 1], () => [0.5, 0.9]);
    const st = w.getState() as { xi: number[] };
    expect(st.xi[0]).toBeCloseTo(-0.025, 8);
    expect(st.xi[1]).toBeCloseTo(0.025, 8);
    const losses = scalars([1, 1]);
    const r = w.combineLosses(losses, stepContext(2));
    expect(r.weights[0]).toBeLessThan(r.weights[1]!);
    tf.dispose([...losses, r.total]);
  });
});
