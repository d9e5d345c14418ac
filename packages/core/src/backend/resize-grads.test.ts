import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerMissingKernels } from './missing-kernels.js';
import { Rng, randomArray } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
  registerMissingKernels('wasm');
  await tf.setBackend('cpu');
  registerMissingKernels('cpu');
});

type Resize = (x: tf.Tensor4D, size: [number, number], alignCorners: boolean, halfPixelCenters: boolean) => tf.Tensor4D;
const resizes: Array<[string, Resize]> = [
  ['bilinear', (x, s, a, h) => tf.image.resizeBilinear(x, s, a, h)],
  ['nearest', (x, s, a, h) => tf.image.resizeNearestNeighbor(x, s, a, h)],
];
// [input shape, output size]: up- and down-sampling, odd sizes, batch > 1, several channels.
const cases: Array<[[number, number, number, number], [number, number]]> = [
  [
    [2, 3, 4, 2],
    [6, 8],
  ],
  [
    [3, 5, 5, 1],
    [7, 3],
  ],
  [
    [2, 6, 4, 3],
    [3, 2],
  ],
  [
    [1, 1, 3, 2],
    [4, 5],
  ],
];
const modes: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
];

describe.each(['wasm', 'cpu'])('resize gradients on %s', (backend) => {
  // loss = Σ w ⊙ resize(x) is linear in x, so central differences are exact up to float32 rounding.
  it.each(resizes)('%s: the gradient is the adjoint of the forward (all corner modes, batch > 1)', (_, resize) => {
    tf.setBackend(backend);
    const rng = new Rng(3);
    const before = tf.memory().numTensors;
    for (const [shape, size] of cases) {
      for (const [alignCorners, halfPixelCenters] of modes) {
        const xValues = randomArray(
          rng,
          shape.reduce((a, b) => a * b, 1),
        );
        const w = tf.tensor(randomArray(rng, shape[0] * size[0] * size[1] * shape[3]), [shape[0], ...size, shape[3]]);
        const loss = (x: tf.Tensor4D) => tf.sum(tf.mul(resize(x, size, alignCorners, halfPixelCenters), w));
        const analytic = tf.tidy(() =>
          tf
            .grad((x: tf.Tensor) => loss(x as tf.Tensor4D))(tf.tensor4d(xValues, shape))
            .dataSync(),
        );
        const at = (i: number, delta: number) => {
          const moved = xValues.slice();
          moved[i] = moved[i]! + delta;
          return tf.tidy(() => loss(tf.tensor4d(moved, shape)).dataSync()[0]!);
        };
        for (let i = 0; i < xValues.length; i++) {
          const numeric = (at(i, 0.5) - at(i, -0.5)) / 1;
          expect(analytic[i], `${JSON.stringify({ shape, size, alignCorners, halfPixelCenters, i })}`).toBeCloseTo(numeric, 3);
        }
        w.dispose();
      }
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
