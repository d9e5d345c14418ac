import { Rng } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { segmentationLoss, segmentationLossOnHost } from './segmentation.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The same loss written with tfjs ops (autodiff gives the reference gradient). */
function reference(logits: tf.Tensor, labels: number[], keepSample: number[], k: number, diceWeight: number): tf.Scalar {
  const perSample = labels.length / keepSample.length;
  const keep = labels.map((y, i) => (y >= 0 && keepSample[Math.floor(i / perSample)] ? 1 : 0));
  const truth = tf.tensor(
    labels.flatMap((y, i) => Array.from({ length: k }, (_, c) => (keep[i] && c === y ? 1 : 0))),
    logits.shape,
  );
  const keepK = tf.tensor(
    keep.flatMap((w) => Array.from({ length: k }, () => w)),
    logits.shape,
  );
  const logP = tf.logSoftmax(logits);
  const m = Math.max(
    keep.reduce<number>((a, b) => a + b, 0),
    1,
  );
  const ce = tf.div(tf.neg(tf.sum(tf.mul(logP, truth))), m);
  const p = tf.mul(tf.exp(logP), keepK);
  const axes = [0, 1, 2];
  const inter = tf.sum(tf.mul(p, truth), axes);
  const den = tf.add(tf.add(tf.sum(p, axes), tf.sum(truth, axes)), 1);
  const dice = tf.sub(1, tf.mean(tf.div(tf.add(tf.mul(inter, 2), 1), den)));
  return tf.add(ce, tf.mul(dice, diceWeight)) as tf.Scalar;
}

describe('segmentation loss (cross-entropy + Dice, unlabeled pixels ignored)', () => {
  it('value and closed-form gradient match autodiff of the same formula', () => {
    const rng = new Rng(4);
    const k = 3;
    const labels = [0, 1, 2, -1, 1, 1, 0, 2, 2, -1, 0, 1];
    const x = tf.tensor4d(
      Array.from({ length: 12 * k }, () => rng.normal() * 2),
      [2, 2, 3, k],
    );
    for (const keepSample of [
      [1, 1],
      [1, 0],
    ]) {
      const { value, gradient } = segmentationLossOnHost(x.dataSync() as Float32Array, labels, 2, k, 0.7, keepSample);
      const ref = reference(x, labels, keepSample, k, 0.7);
      const g = tf.grad((t: tf.Tensor) => reference(t, labels, keepSample, k, 0.7))(x);
      expect(value).toBeCloseTo(ref.dataSync()[0]!, 5);
      const expected = g.dataSync();
      for (const [i, v] of gradient.entries()) expect(v).toBeCloseTo(expected[i]!, 5);
      // ignored pixels and dropped samples get no gradient
      expect(Array.from(gradient.subarray(3 * k, 4 * k))).toEqual([0, 0, 0]);
      tf.dispose([ref, g]);
    }
  });

  it('as a tfjs op: the same value, its gradient flows to the logits', () => {
    const labels = tf.tensor3d([0, 1, 1, -1], [1, 2, 2], 'int32');
    const x = tf.tensor4d([2, -1, 0.5, 0.5, -1, 3, 0, 0], [1, 2, 2, 2]);
    const g = tf.grad((t: tf.Tensor) => segmentationLoss(t, labels, 1))(x);
    const host = segmentationLossOnHost(x.dataSync() as Float32Array, [0, 1, 1, -1], 1, 2, 1);
    expect(Array.from(g.dataSync())).toEqual(Array.from(host.gradient));
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      segmentationLoss(x, labels, 1);
    });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([labels, x, g]);
  });
});
