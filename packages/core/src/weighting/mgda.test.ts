import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMgda, createMgdaUb } from './mgda.js';
import { buildContext, dotRows, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('MGDA', () => {
  it('two gradients: the closed-form min-norm point γg1 + (1−γ)g2, γ = clip((g2−g1)·g2/‖g1−g2‖²)', () => {
    const g1 = [2, 0.5, 0];
    const g2 = [-1, 1, 0.5];
    const diff = g2.map((x, i) => x - g1[i]!);
    const gamma = Math.min(1, Math.max(0, dotRows(diff, g2) / dotRows(diff, diff)));
    const w = createMgda({}, buildContext(2));
    const g = tf.tensor2d([g1, g2]);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    expect(r.weights[0]).toBeCloseTo(gamma, 5);
    expect(r.weights[1]).toBeCloseTo(1 - gamma, 5);
    const d = r.direction.dataSync();
    g1.forEach((x, i) => {
      expect(d[i]).toBeCloseTo(gamma * x + (1 - gamma) * g2[i]!, 5);
    });
    // The min-norm point is orthogonal to g1 − g2 when interior.
    expect(dotRows(Array.from(d), diff)).toBeCloseTo(0, 4);
    tf.dispose([g, r.direction]);
  });
  it('l2 normalisation: weights on raw gradients are λ_t/‖g_t‖ (orthogonal → ∝ 1/‖g_t‖)', () => {
    const w = createMgda({ normalization: 'l2' }, buildContext(2));
    const g = tf.tensor2d([
      [3, 0],
      [0, 1],
    ]);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    expect(r.weights[0]).toBeCloseTo(0.5 / 3, 5);
    expect(r.weights[1]).toBeCloseTo(0.5, 5);
    tf.dispose([g, r.direction]);
  });
  it('MGDA-UB is MGDA restricted to the representation', () => {
    const w = createMgdaUb({}, buildContext(2));
    expect(w.name).toBe('MGDA-UB');
    expect(w.modes).toEqual(['representation']);
  });
});
