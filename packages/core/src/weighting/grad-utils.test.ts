import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { combineRows, decodeTensor, encodeTensor, gradientCosines, gramMatrix } from './grad-utils.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('grad-utils', () => {
  it('gradientCosines: pairwise cosines, 0 for a zero gradient, no leaks', () => {
    const g = tf.tensor2d([
      [1, 0],
      [1, 1],
      [0, 0],
      [-2, 0],
    ]);
    const before = tf.memory().numTensors;
    const c = gradientCosines(g);
    expect(tf.memory().numTensors).toBe(before);
    expect(c[0]![0]).toBe(1);
    expect(c[0]![1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(c[0]![2]).toBe(0);
    expect(c[2]![2]).toBe(0);
    expect(c[0]![3]).toBeCloseTo(-1, 6);
    g.dispose();
  });
  it('gramMatrix and combineRows', () => {
    const g = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    expect(gramMatrix(g)).toEqual([
      [5, 11],
      [11, 25],
    ]);
    const d = combineRows(g, [2, -1]);
    expect(Array.from(d.dataSync())).toEqual([-1, 0]);
    tf.dispose([g, d]);
  });
  it('float32 tensors round-trip exactly through the base64 state encoding', () => {
    const t = tf.tensor2d([
      [Math.PI, -1e-30, 3.4e38],
      [0, -0, 1 / 3],
    ]);
    const blob = JSON.parse(JSON.stringify(encodeTensor(t)));
    const back = decodeTensor(blob);
    expect(back.shape).toEqual([2, 3]);
    expect(Array.from(back.dataSync())).toEqual(Array.from(t.dataSync()));
    const odd = tf.tensor1d([1, 2, 3, 4, 5]);
    expect(Array.from(decodeTensor(encodeTensor(odd)).dataSync())).toEqual([1, 2, 3, 4, 5]);
    tf.dispose([t, back, odd]);
  });
});
