import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { createImtl } from './imtl.js';
import { buildContext, dotRows, randomMatrix, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('IMTL', () => {
  it('IMTL-G: the combined gradient has equal projections on every unit task gradient; Σα = 1', () => {
    const rng = new Rng(9);
    for (let T = 2; T <= 5; T++) {
      const rows = randomMatrix(rng, T, 8).map((r, i) => r.map((x) => x * (i + 1)));
      const w = createImtl({}, buildContext(T));
      const g = tf.tensor2d(rows);
      const r = w.combineGradients(
        g,
        rows.map(() => 1),
        stepContext(T),
      );
      const d = Array.from(r.direction.dataSync());
      const proj = rows.map((row) => dotRows(d, row) / Math.sqrt(dotRows(row, row)));
      proj.forEach((p) => {
        expect(p).toBeCloseTo(proj[0]!, 3);
      });
      expect(r.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
      tf.dispose([g, r.direction]);
      w.dispose?.();
    }
  });

  it('IMTL-L: transformed losses e^s·L − s (s₀ = 0), with gradient L·e^s − 1 for s', () => {
    const w = createImtl({}, buildContext(2));
    const s = w.parameters()[0]!.variable;
    s.assign(tf.tensor1d([0.5, -1]));
    const losses = scalars([2, 3]);
    const { value, grads } = tf.variableGrads(() => tf.addN(w.transformLosses!(losses, stepContext(2))) as tf.Scalar, [s]);
    expect(value.dataSync()[0]).toBeCloseTo(Math.exp(0.5) * 2 - 0.5 + Math.exp(-1) * 3 + 1, 5);
    const gs = grads[s.name]!.dataSync();
    expect(gs[0]).toBeCloseTo(2 * Math.exp(0.5) - 1, 5);
    expect(gs[1]).toBeCloseTo(3 * Math.exp(-1) - 1, 5);
    tf.dispose([value, ...Object.values(grads), ...losses]);
    w.dispose?.();
  });
});
