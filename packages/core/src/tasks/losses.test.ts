import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { binaryCrossEntropy, meanSquaredError, sigmoidCrossEntropy, softmaxCrossEntropy } from './losses.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const v = (t: tf.Scalar) => t.dataSync()[0]!;

describe('masked losses', () => {
  it('sigmoid cross-entropy matches −[y log σ(x) + (1−y) log(1−σ(x))], mask drops samples', () => {
    const logits = tf.tensor1d([2, -1, 0.5]);
    const labels = tf.tensor1d([1, 0, 0]);
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const each = [-Math.log(s(2)), -Math.log(1 - s(-1)), -Math.log(1 - s(0.5))];
    expect(v(sigmoidCrossEntropy(logits, labels))).toBeCloseTo((each[0]! + each[1]! + each[2]!) / 3, 6);
    expect(v(sigmoidCrossEntropy(logits, labels, tf.tensor1d([1, 0, 1])))).toBeCloseTo((each[0]! + each[2]!) / 2, 6);
    expect(v(sigmoidCrossEntropy(logits, labels, tf.tensor1d([0, 0, 0])))).toBe(0);
  });

  it('sigmoid cross-entropy is stable for large logits', () => {
    expect(v(sigmoidCrossEntropy(tf.tensor1d([100]), tf.tensor1d([0])))).toBeCloseTo(100, 4);
    expect(v(sigmoidCrossEntropy(tf.tensor1d([-100]), tf.tensor1d([0])))).toBeCloseTo(0, 6);
  });

  it('binary cross-entropy on probabilities', () => {
    expect(v(binaryCrossEntropy(tf.tensor1d([0.8, 0.25]), tf.tensor1d([1, 0])))).toBeCloseTo((-Math.log(0.8) - Math.log(0.75)) / 2, 6);
  });

  it('softmax cross-entropy ignores negative (padding) labels and applies per-sample masks to tokens', () => {
    const logits = tf.tensor3d([
      [
        [1, 2, 0],
        [0, 0, 0],
      ],
      [
        [3, 1, 1],
        [1, 1, 5],
      ],
    ]);
    const labels = tf.tensor2d(
      [
        [1, -1],
        [0, 2],
      ],
      undefined,
      'int32',
    );
    const lse = (a: number[]) => Math.log(a.reduce((s, z) => s + Math.exp(z), 0));
    const l1 = lse([1, 2, 0]) - 2;
    const l3 = lse([3, 1, 1]) - 3;
    const l4 = lse([1, 1, 5]) - 5;
    expect(v(softmaxCrossEntropy(logits, labels))).toBeCloseTo((l1 + l3 + l4) / 3, 5);
    expect(v(softmaxCrossEntropy(logits, labels, tf.tensor1d([0, 1])))).toBeCloseTo((l3 + l4) / 2, 5);
  });

  it('mean squared error over outputs then masked samples', () => {
    const p = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const y = tf.tensor2d([
      [0, 0],
      [3, 2],
    ]);
    expect(v(meanSquaredError(p, y))).toBeCloseTo(((1 + 4) / 2 + 4 / 2) / 2, 6);
    expect(v(meanSquaredError(p, y, tf.tensor1d([0, 1])))).toBeCloseTo(2, 6);
  });
});
