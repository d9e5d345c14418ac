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

  it('its closed-form backward equals autodiff through tf.moments + tf.batchNorm (4-D and 2-D inputs)', () => {
    for (const shape of [
      [3, 4, 5, 6],
      [7, 5],
    ]) {
      const channels = shape[shape.length - 1]!;
      const bn = new BatchNorm('bn', channels);
      tf.tidy(() => {
        bn.gamma.variable.assign(tf.randomUniform([channels], 0.5, 1.5, 'float32', 2));
        bn.beta.variable.assign(tf.randomNormal([channels], 0, 1, 'float32', 3));
        // a large mean relative to the spread: the backward must not lose the gradient to cancellation
        const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 4), 3), 300);
        const w = tf.randomNormal(shape, 0, 1, 'float32', 5);
        const axes = shape.map((_, i) => i).slice(0, -1);
        const reference = (t: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          const { mean, variance } = tf.moments(t, axes);
          return tf.batchNorm(t, mean, variance, b, g, bn.epsilon);
        };
        const loss = (y: tf.Tensor) => tf.sum(tf.mul(tf.square(y), w)) as tf.Scalar;
        const gx = tf.grad((t) => loss(bn.apply(t, { training: true })))(x);
        const ours = tf.variableGrads(() => loss(bn.apply(x, { training: true })), [bn.gamma.variable, bn.beta.variable]).grads;
        const ref = tf.grads((t, g, b) => loss(reference(t, g, b)))([x, bn.gamma.variable, bn.beta.variable]);
        const close = (a: tf.Tensor, b: tf.Tensor) =>
          tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1, tf.max(tf.abs(b)).dataSync()[0]!);
        expect(close(bn.apply(x, { training: true }), reference(x, bn.gamma.variable, bn.beta.variable))).toBeLessThan(1e-5);
        expect(close(gx, ref[0]!)).toBeLessThan(1e-4);
        expect(close(ours[bn.gamma.variable.name]!, ref[1]!)).toBeLessThan(1e-4);
        expect(close(ours[bn.beta.variable.name]!, ref[2]!)).toBeLessThan(1e-4);
      });
      disposeModule(bn);
    }
  });
});
