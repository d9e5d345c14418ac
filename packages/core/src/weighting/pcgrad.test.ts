import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createPcGrad } from './pcgrad.js';
import { buildContext, dotRows, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function run(rows: number[][]) {
  const w = createPcGrad({}, buildContext(rows.length));
  const g = tf.tensor2d(rows);
  const r = w.combineGradients(
    g,
    rows.map(() => 1),
    stepContext(rows.length),
  );
  const d = Array.from(r.direction.dataSync());
  tf.dispose([g, r.direction]);
  return { d, weights: r.weights };
}

describe('PCGrad', () => {
  it('two conflicting gradients: closed form g1 − (g1·g2/‖g2‖²)g2 + g2 − (g1·g2/‖g1‖²)g1', () => {
    const g1 = [1, 0.5, -0.2];
    const g2 = [-1, 0.8, 0.3];
    const c = dotRows(g1, g2);
    expect(c).toBeLessThan(0);
    const n1 = dotRows(g1, g1);
    const n2 = dotRows(g2, g2);
    const expected = g1.map((x, i) => x - (c / n2) * g2[i]! + g2[i]! - (c / n1) * x);
    const { d, weights } = run([g1, g2]);
    d.forEach((x, i) => {
      expect(x).toBeCloseTo(expected[i]!, 5);
    });
    expect(weights[0]).toBeCloseTo(1 - c / n1, 5);
    expect(weights[1]).toBeCloseTo(1 - c / n2, 5);
  });
  it('non-conflicting gradients are summed unchanged', () => {
    const { d, weights } = run([
      [1, 0],
      [1, 1],
      [0, 2],
    ]);
    expect(weights).toEqual([1, 1, 1]);
    expect(d).toEqual([2, 3]);
  });
});
