import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { buildContext, combination, dotRows, gramOf, randomMatrix, stepContext } from './test-support.js';
import { createUpGrad, upgradWeights } from './upgrad.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('UPGrad', () => {
  it('non-conflicting gradients: the mean', () => {
    const w = upgradWeights(
      gramOf([
        [1, 0],
        [1, 1],
      ]),
      1e-4,
      0,
    );
    w.forEach((x) => {
      expect(x).toBeCloseTo(0.5, 12);
    });
  });

  it('has a non-negative inner product with every task gradient (random conflicting cases, T = 3..5)', () => {
    const rng = new Rng(17);
    let conflicting = 0;
    for (let k = 0; k < 60; k++) {
      const T = 3 + (k % 3);
      const rows = randomMatrix(rng, T, 6);
      const G = gramOf(rows);
      if (G.some((r) => r.some((x) => x < 0))) conflicting++;
      // Exact dual-cone projection (reg_eps = 0): every inner product ≥ 0 up to round-off.
      const exact = combination(rows, upgradWeights(G, 1e-4, 0));
      const scale = Math.max(...rows.map((r) => dotRows(r, r)));
      for (const r of rows) expect(dotRows(exact, r)).toBeGreaterThanOrEqual(-1e-9 * scale);
      // Default regularisation: non-negative up to O(reg_eps).
      const reg = combination(rows, upgradWeights(G));
      for (const r of rows) expect(dotRows(reg, r)).toBeGreaterThanOrEqual(-1e-3 * scale);
    }
    expect(conflicting).toBeGreaterThan(30);
  });

  it('through tensors: direction = Σ w_t g_t and no conflict', () => {
    const rows = [
      [1, 0, 0.2],
      [-0.8, 1, 0],
      [-0.3, -0.9, 1],
    ];
    const w = createUpGrad({ regEps: 0 }, buildContext(3));
    const g = tf.tensor2d(rows);
    const r = w.combineGradients(g, [1, 1, 1], stepContext(3));
    const d = Array.from(r.direction.dataSync());
    combination(rows, r.weights).forEach((x, i) => {
      expect(d[i]).toBeCloseTo(x, 5);
    });
    for (const row of rows) expect(dotRows(d, row)).toBeGreaterThanOrEqual(-1e-5);
    tf.dispose([g, r.direction]);
  });
});
