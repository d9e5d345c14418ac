import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createNashMtl } from './nash-mtl.js';
import { buildContext, dotRows, gramOf, matTimesVec, randomMatrix, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Nash-MTL', () => {
  it('weights satisfy GᵀGα = 1/α (max_norm disabled)', () => {
    const rng = new Rng(2);
    for (let T = 2; T <= 5; T++) {
      const rows = randomMatrix(rng, T, 10);
      const w = createNashMtl({ maxNorm: 0, optimNiter: 50 }, buildContext(T));
      const g = tf.tensor2d(rows);
      const r = w.combineGradients(
        g,
        rows.map(() => 1),
        stepContext(T),
      );
      const Ga = matTimesVec(gramOf(rows), r.weights);
      r.weights.forEach((a, i) => {
        expect(a).toBeGreaterThan(0);
        expect(a * Ga[i]!).toBeCloseTo(1, 3); // float32 Gram
      });
      tf.dispose([g, r.direction]);
    }
  });

  it('max_norm clips the combined gradient; weights carry the clip factor, α stays in the state', () => {
    const rows = [
      [0.1, 0],
      [0, 0.2],
    ];
    // Orthogonal: α_t = 1/‖g_t‖ → direction = u1 + u2, norm √2 > 1 → scaled by 1/(√2 + 1e-6).
    const w = createNashMtl({}, buildContext(2));
    const g = tf.tensor2d(rows);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    const d = Array.from(r.direction.dataSync());
    expect(Math.sqrt(dotRows(d, d))).toBeCloseTo(1, 5);
    const alpha = (w.getState() as { alpha: number[] }).alpha;
    expect(alpha[0]).toBeCloseTo(10, 3);
    expect(alpha[1]).toBeCloseTo(5, 3);
    expect(r.weights[0]! / alpha[0]!).toBeCloseTo(1 / Math.SQRT2, 5);
    tf.dispose([g, r.direction]);
  });

  it('update_weights_every reuses α between updates', () => {
    const w = createNashMtl({ updateWeightsEvery: 2, maxNorm: 0 }, buildContext(2));
    const g1 = tf.tensor2d([
      [1, 0],
      [0, 1],
    ]);
    const g2 = tf.tensor2d([
      [2, 0],
      [0, 1],
    ]);
    const r1 = w.combineGradients(g1, [1, 1], stepContext(2));
    const r2 = w.combineGradients(g2, [1, 1], stepContext(2));
    const r3 = w.combineGradients(g2, [1, 1], stepContext(2));
    expect(r2.weights).toEqual(r1.weights);
    expect(r3.weights[0]).toBeCloseTo(0.5, 4);
    tf.dispose([g1, g2, r1.direction, r2.direction, r3.direction]);
  });
});
