import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildContext, scalars, stepContext } from './test-support.js';
import { createUw } from './uw.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('UW', () => {
  it('L = Σ L_t/(2e^s) + s/2 with s₀ = −0.5; weights 1/(2e^s)', () => {
    const w = createUw({}, buildContext(2));
    const losses = scalars([1, 3]);
    const r = w.combineLosses(losses, stepContext(2));
    const e = Math.exp(-0.5);
    expect(r.total.dataSync()[0]).toBeCloseTo(1 / (2 * e) - 0.25 + 3 / (2 * e) - 0.25, 5);
    r.weights.forEach((x) => {
      expect(x).toBeCloseTo(1 / (2 * e), 6);
    });
    tf.dispose([...losses, r.total]);
    w.dispose?.();
  });

  it('log-variances converge to the analytic optimum s_t = log L_t for fixed losses', () => {
    const L = [0.5, 2, 8];
    const w = createUw({}, buildContext(3));
    const losses = scalars(L);
    const opt = tf.train.adam(0.05);
    const vars = w.parameters().map((p) => p.variable);
    for (let i = 0; i < 1500; i++) {
      opt.minimize(() => w.combineLosses(losses, stepContext(3)).total, false, vars);
    }
    const s = Array.from(vars[0]!.dataSync());
    s.forEach((x, i) => {
      expect(x).toBeCloseTo(Math.log(L[i]!), 2);
    });
    opt.dispose();
    tf.dispose(losses);
    w.dispose?.();
  });

  it('state restores the variables', () => {
    const a = createUw({}, buildContext(2));
    a.parameters()[0]!.variable.assign(tf.tensor1d([0.3, -1.2]));
    const b = createUw({}, buildContext(2));
    b.setState(JSON.parse(JSON.stringify(a.getState())));
    expect(Array.from(b.parameters()[0]!.variable.dataSync())).toEqual(Array.from(a.parameters()[0]!.variable.dataSync()));
    a.dispose?.();
    b.dispose?.();
  });
});
