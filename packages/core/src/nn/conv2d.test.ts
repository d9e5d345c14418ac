import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { BatchNorm } from './batch-norm.js';
import { Conv2d } from './conv2d.js';
import { disposeModule } from './module.js';

describe('Conv2d', () => {
  it('gives PyTorch output sizes for stride 2, padding 1 and matches tf.conv2d', () => {
    const conv = new Conv2d('c', 3, 4, new Rng(1), { stride: 2, padding: 1, useBias: false });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 9, 9, 3]) as tf.Tensor4D;
      const y = conv.apply(x);
      expect(y.shape).toEqual([2, 5, 5, 4]);
      const ref = tf.conv2d(
        tf.pad(x, [
          [0, 0],
          [1, 1],
          [1, 1],
          [0, 0],
        ]),
        conv.kernel.variable as tf.Tensor4D,
        2,
        'valid',
      );
      expect(tf.max(tf.abs(tf.sub(y, ref))).dataSync()[0]).toBeLessThan(1e-5);
    });
    disposeModule(conv);
  });

  it('fuses bias and relu, and gets gradients for kernel and bias', () => {
    const conv = new Conv2d('c', 3, 4, new Rng(2), { kernelSize: 1, activation: 'relu' });
    tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 5, 3]) as tf.Tensor4D;
      expect(tf.min(conv.apply(x)).dataSync()[0]).toBeGreaterThanOrEqual(0);
      const { grads } = tf.variableGrads(
        () => tf.sum(conv.apply(x)) as tf.Scalar,
        conv.parameters().map((p) => p.variable),
      );
      expect(Object.keys(grads)).toHaveLength(2);
    });
    disposeModule(conv);
  });
});

describe('BatchNorm', () => {
  it('normalises with batch statistics in training and updates the running ones', () => {
    const bn = new BatchNorm('bn', 3, { momentum: 0.5 });
    tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal([4, 5, 5, 3], 0, 1, 'float32', 1), 2), 3);
      const y = bn.apply(x, { training: true });
      const { mean, variance } = tf.moments(y, [0, 1, 2]);
      expect(tf.max(tf.abs(mean)).dataSync()[0]).toBeLessThan(1e-4);
      expect(tf.max(tf.abs(tf.sub(variance, 1))).dataSync()[0]).toBeLessThan(1e-3);
      const m = bn.movingMean.variable.dataSync();
      expect(m[0]).toBeGreaterThan(1);
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.square(bn.apply(x, { training: true }))) as tf.Scalar,
        [bn.gamma.variable, bn.beta.variable],
      );
      expect(Object.keys(grads)).toHaveLength(2);
      expect(bn.apply(x).shape).toEqual(x.shape);
    });
    disposeModule(bn);
  });
});
