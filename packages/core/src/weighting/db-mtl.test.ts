import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDbMtl } from './db-mtl.js';
import { buildContext, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('DB-MTL', () => {
  it('log-transforms the losses', () => {
    const w = createDbMtl({}, buildContext(2));
    const losses = scalars([1, Math.E]);
    const tr = w.transformLosses!(losses, stepContext(2));
    expect(tr[0]!.dataSync()[0]).toBeCloseTo(0, 6);
    expect(tr[1]!.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([...losses, ...tr]);
  });

  it('EMA buffer, then every buffer rescaled to the largest norm (hand-checked, β = 0.9)', () => {
    const w = createDbMtl({}, buildContext(2));
    const g1 = tf.tensor2d([
      [3, 0],
      [0, 1],
    ]);
    // step 1: buffer = 0.1·g → norms 0.3, 0.1 → α = (1, 3) → direction = (0.3, 0.3)
    const r1 = w.combineGradients(g1, [1, 1], stepContext(2));
    expect(r1.weights[0]).toBeCloseTo(1, 5);
    expect(r1.weights[1]).toBeCloseTo(3, 4);
    Array.from(r1.direction.dataSync()).forEach((x) => {
      expect(x).toBeCloseTo(0.3, 5);
    });
    // step 2 with g = [[0,4],[0,1]]: buffer = g + 0.9(buffer − g) = [[0.27, 0.4], [0, 0.19]]
    const g2 = tf.tensor2d([
      [0, 4],
      [0, 1],
    ]);
    const r2 = w.combineGradients(g2, [1, 1], stepContext(2));
    const n0 = Math.hypot(0.27, 0.4);
    expect(r2.weights[1]).toBeCloseTo(n0 / 0.19, 3);
    const d = r2.direction.dataSync();
    expect(d[0]).toBeCloseTo(0.27, 5);
    expect(d[1]).toBeCloseTo(0.4 + n0, 4);
    // State carries the buffer exactly.
    const b = createDbMtl({}, buildContext(2));
    b.setState(JSON.parse(JSON.stringify(w.getState())));
    const ra = w.combineGradients(g1, [1, 1], stepContext(2));
    const rb = b.combineGradients(g1, [1, 1], stepContext(2));
    expect(Array.from(rb.direction.dataSync())).toEqual(Array.from(ra.direction.dataSync()));
    tf.dispose([g1, g2, r1.direction, r2.direction, ra.direction, rb.direction]);
    w.dispose?.();
    b.dispose?.();
  });
});
