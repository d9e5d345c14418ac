import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sameConv1d } from './conv1d.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('sameConv1d', () => {
  it.each([
    [3, 1],
    [3, 2],
    [5, 1],
    [1, 1],
  ])('equals tf.conv1d (same padding) for kernel %i, dilation %i', (k, d) => {
    const x = tf.randomNormal([2, 7, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const f = tf.randomNormal([k, 3, 4], 0, 1, 'float32', 2) as tf.Tensor3D;
    const ours = sameConv1d(x, f, d).arraySync();
    const theirs = tf.conv1d(x, f, 1, 'same', 'NWC', d).arraySync();
    expect(ours).toHaveLength(2);
    ours.flat(2).forEach((v, i) => {
      expect(v).toBeCloseTo(theirs.flat(2)[i]!, 4);
    });
  });
});
