import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerMissingKernels } from './missing-kernels.js';
import { Rng, randomArray, runOn } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerMissingKernels('wasm');
});

const rng = new Rng(3);
const input = (shape: number[]) => ({
  values: randomArray(
    rng,
    shape.reduce((a, b) => a * b, 1),
  ),
  shape,
});

/** The wasm copy kernels against the cpu backend's, bit for bit. */
function same(inputs: ReturnType<typeof input>[], fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[]) {
  const before = tf.memory().numTensors;
  const w = runOn('wasm', inputs, fn);
  const c = runOn('cpu', inputs, fn);
  expect(tf.memory().numTensors).toBe(before);
  expect(w.map((o) => o.shape)).toEqual(c.map((o) => o.shape));
  for (const [i, o] of w.entries()) expect(Array.from(o.values)).toEqual(Array.from(c[i]!.values));
}

describe('wasm Slice / Unpack / Tile', () => {
  it('Slice: contiguous, strided, whole trailing dims, ranks 1–5', () => {
    same([input([10])], (x) => tf.slice(x!, [3], [4]));
    same([input([6, 7])], (x) => tf.slice(x!, [1, 2], [3, 4]));
    same([input([6, 7])], (x) => tf.slice(x!, [2, 0], [3, 7]));
    same([input([4, 5, 6])], (x) => tf.slice(x!, [1, 0, 2], [2, 5, 3]));
    same([input([4, 5, 6])], (x) => tf.slice(x!, [1, 0, 0], [2, -1, -1]));
    same([input([2, 3, 4, 5, 6])], (x) => tf.slice(x!, [1, 1, 0, 2, 1], [1, 2, 4, 2, 5]));
    same([input([3, 4])], (x) => tf.slice(x!, [1, 1], [0, 2]));
  });

  it('Unpack on every axis', () => {
    for (const axis of [0, 1, 2]) same([input([3, 4, 5])], (x) => tf.unstack(x!, axis));
  });

  it('Tile with various reps, including int32 and the batch-norm gradient pattern', () => {
    same([input([2, 3])], (x) => tf.tile(x!, [3, 2]));
    same([input([1, 1, 1, 4])], (x) => tf.tile(x!, [2, 3, 3, 1]));
    same([input([2, 1, 3])], (x) => tf.tile(x!, [1, 4, 2]));
    same([input([5])], (x) => tf.tile(tf.cast(tf.mul(x!, 10), 'int32'), [3]));
  });
});

describe('wasm Identity / Cast', () => {
  it('share the input buffer, free it once the last holder is disposed, and keep gradients exact', () => {
    const x = tf.tensor([1.5, -2, 3], [3]);
    const before = tf.memory();
    const y = tf.clone(x);
    const z = tf.cast(x, 'float32');
    expect(tf.memory().numBytes).toBe(before.numBytes + 24);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
    y.dispose();
    expect(Array.from(z.dataSync())).toEqual([1.5, -2, 3]);
    z.dispose();
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers - 1);
    // A cast to another dtype still converts.
    same([input([7])], (a) => tf.cast(tf.cast(tf.mul(a!, 10), 'int32'), 'float32'));
    // Gradients through ops whose stock gradients clone and cast (Mul, Relu, Sum) match the cpu backend's.
    same([input([4, 5]), input([4, 5])], (a, b) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.relu(tf.mul(p, q))))([a!, b!]));
  });
});
