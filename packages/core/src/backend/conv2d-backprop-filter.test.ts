import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerMissingKernels } from './missing-kernels.js';
import { conv2dOutputShape, Rng, randomArray, relError, runOn } from './test-helpers.js';

beforeAll(async () => {
  await tf.setBackend('wasm');
  // Plain wasm (no BLAS overrides): exercises the JS Conv2DBackpropFilter.
  registerMissingKernels('wasm');
});

const rng = new Rng(11);
const input = (shape: number[]) => ({
  values: randomArray(
    rng,
    shape.reduce((a, b) => a * b, 1),
  ),
  shape,
});

describe('Conv2DBackpropFilter (JS im2col + BatchMatMul) on wasm', () => {
  type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
  const cases: Array<[number[], number[], number | [number, number], Pad]> = [
    [[2, 9, 9, 3], [3, 3, 3, 4], 1, 'same'],
    [[2, 9, 9, 3], [3, 3, 3, 4], 2, 'same'],
    [[1, 10, 7, 5], [3, 2, 5, 6], [2, 1], 'valid'],
    [
      [2, 8, 8, 4],
      [3, 3, 4, 5],
      1,
      [
        [0, 0],
        [1, 2],
        [2, 1],
        [0, 0],
      ],
    ],
    [[3, 6, 6, 8], [1, 1, 8, 4], 1, 'valid'],
    [[2, 7, 7, 3], [5, 5, 3, 2], 3, 'same'],
  ];
  it('matches the cpu backend on strides and same/valid/explicit padding, without leaking', () => {
    for (const [xs, fs, s, pad] of cases) {
      const outShape = conv2dOutputShape(xs, fs, s, pad);
      const fn = (x?: tf.Tensor, dy?: tf.Tensor) =>
        tf
          .engine()
          .runKernel('Conv2DBackpropFilter', { x: x!, dy: dy! }, { strides: s, pad, dataFormat: 'NHWC', filterShape: fs }) as tf.Tensor;
      const inputs = [input(xs), input(outShape)];
      const ids = (tf.engine().backend as unknown as { numDataIds(): number }).numDataIds();
      const [w] = runOn('wasm', inputs, fn);
      expect((tf.engine().backend as unknown as { numDataIds(): number }).numDataIds()).toBe(ids);
      const [c] = runOn('cpu', inputs, fn);
      expect(w!.shape).toEqual(fs);
      expect(relError(w!.values, c!.values)).toBeLessThan(1e-4);
    }
  });

  it('gives conv2d filter gradients equal to the cpu backend', () => {
    const inputs = [input([2, 9, 9, 3]), input([3, 3, 3, 4])];
    const fn = (x?: tf.Tensor, f?: tf.Tensor) =>
      tf.grad((q: tf.Tensor) => tf.sum(tf.square(tf.conv2d(x as tf.Tensor4D, q as tf.Tensor4D, 2, 'same'))))(f!);
    const [w] = runOn('wasm', inputs, fn);
    const [c] = runOn('cpu', inputs, fn);
    expect(relError(w!.values, c!.values)).toBeLessThan(1e-4);
  });
});
