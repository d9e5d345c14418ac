import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGradVac, gradVacGroups } from './gradvac.js';
import { buildContext, dotRows, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('GradVac', () => {
  it('already-aligned gradients are left unchanged (sum), and the targets move to β·cos', () => {
    const w = createGradVac({}, buildContext(2));
    const rows = [
      [1, 1],
      [2, 0.5],
    ];
    const g = tf.tensor2d(rows);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    expect(r.weights).toEqual([1, 1]);
    Array.from(r.direction.dataSync()).forEach((x, i) => {
      expect(x).toBeCloseTo(rows[0]![i]! + rows[1]![i]!, 6);
    });
    const cos = dotRows(rows[0]!, rows[1]!) / Math.sqrt(dotRows(rows[0]!, rows[0]!) * dotRows(rows[1]!, rows[1]!));
    const rho = (w.getState() as { rho: number[][][] }).rho;
    expect(rho).toHaveLength(1); // groupType 0: one group
    expect(rho[0]![0]![1]).toBeCloseTo(0.5 * cos, 6);
    tf.dispose([g, r.direction]);
  });

  it('with target 0 (first step) a conflicting pair is made orthogonal, i.e. PCGrad', () => {
    const w = createGradVac({}, buildContext(2));
    const g1 = [1, 0.5];
    const g2 = [-1, 0.8];
    const c = dotRows(g1, g2);
    const g = tf.tensor2d([g1, g2]);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    const expected = g1.map((x, i) => x - (c / dotRows(g2, g2)) * g2[i]! + g2[i]! - (c / dotRows(g1, g1)) * x);
    Array.from(r.direction.dataSync()).forEach((x, i) => {
      expect(x).toBeCloseTo(expected[i]!, 5);
    });
    tf.dispose([g, r.direction]);
  });

  it('a positive target raises the cosine of pc_i with g_j exactly to the target', () => {
    const w = createGradVac({}, buildContext(2));
    w.setState({
      rho: [
        [
          [0, 0.6],
          [0.6, 0],
        ],
      ],
    });
    const g1 = [1, 0];
    const g2 = [0, 1]; // cos = 0 < 0.6
    const g = tf.tensor2d([g1, g2]);
    const r = w.combineGradients(g, [1, 1], stepContext(2));
    // pc_1 = g1 + w g2 with cos(pc_1, g2) = 0.6 → w = 0.75.
    expect(r.weights[1]).toBeCloseTo(1 + 0.75, 5);
    expect(r.weights[0]).toBeCloseTo(1 + 0.75, 5);
    tf.dispose([g, r.direction]);
  });

  it('groups: 0 = everything, 1 = per layer (name up to the last "/"), 2 = per parameter tensor', () => {
    const segments = [
      { name: 'trunk/dense_0/kernel', size: 4 },
      { name: 'trunk/dense_0/bias', size: 2 },
      { name: 'trunk/dense_1/kernel', size: 3 },
    ];
    expect(gradVacGroups(0, 9, segments)).toEqual([{ offset: 0, size: 9 }]);
    expect(gradVacGroups(1, 9, segments)).toEqual([
      { offset: 0, size: 6 },
      { offset: 6, size: 3 },
    ]);
    expect(gradVacGroups(2, 9, segments)).toEqual([
      { offset: 0, size: 4 },
      { offset: 4, size: 2 },
      { offset: 6, size: 3 },
    ]);
    expect(() => gradVacGroups(1, 9, undefined)).toThrow(/need the parameter layout/);
    expect(() => gradVacGroups(2, 8, segments)).toThrow(/cover 9 of 8/);
  });

  it('per group: each group is vaccinated on its own columns with its own targets', () => {
    // Group A (columns 0-1) conflicts, group B (columns 2-3) agrees: A gets PCGrad's projection, B the plain sum.
    const g1 = [1, 0.5, 1, 1];
    const g2 = [-1, 0.8, 2, 0.5];
    const w = createGradVac({ groupType: 2 }, buildContext(2));
    const g = tf.tensor2d([g1, g2]);
    const segments = [
      { name: 'a/kernel', size: 2 },
      { name: 'b/kernel', size: 2 },
    ];
    const r = w.combineGradients(g, [1, 1], { ...stepContext(2), segments });
    const a1 = g1.slice(0, 2);
    const a2 = g2.slice(0, 2);
    const c = dotRows(a1, a2);
    const expectedA = a1.map((x, i) => x - (c / dotRows(a2, a2)) * a2[i]! + a2[i]! - (c / dotRows(a1, a1)) * x);
    const expected = [...expectedA, g1[2]! + g2[2]!, g1[3]! + g2[3]!];
    Array.from(r.direction.dataSync()).forEach((x, i) => {
      expect(x).toBeCloseTo(expected[i]!, 5);
    });
    expect((w.getState() as { rho: number[][][] }).rho).toHaveLength(2);
    tf.dispose([g, r.direction]);
  });
});
