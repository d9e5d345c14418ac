import * as tf from '@tensorflow/tfjs';
import { Rng } from '../util/rng.js';

/** Helpers shared by the backend tests (no test-framework imports: this file is compiled with the package). */

export function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.next() * 2 - 1;
  return a;
}

export function randomTensor(rng: Rng, shape: number[]): tf.Tensor {
  return tf.tensor(
    randomArray(
      rng,
      shape.reduce((a, b) => a * b, 1),
    ),
    shape,
  );
}

/** max |a − b| / max(max |b|, tiny): the error relative to the reference tensor's magnitude. */
export function relError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

/** Runs `fn` on the named backend with tensors made from plain arrays, returns shape + values of each output. */
export function runOn(
  backend: string,
  inputs: Array<{ values: Float32Array | Int32Array; shape: number[]; dtype?: 'float32' | 'int32' }>,
  fn: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Array<{ shape: number[]; values: Float32Array | Int32Array | Uint8Array }> {
  const prev = tf.getBackend();
  tf.setBackend(backend);
  try {
    return tf.tidy(() => {
      const xs = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
      const out = fn(...xs);
      return (Array.isArray(out) ? out : [out]).map((t) => ({ shape: t.shape, values: t.dataSync() as Float32Array }));
    });
  } finally {
    if (prev) tf.setBackend(prev);
  }
}

/** Central-difference numerical gradient of a scalar function of one array argument, at a few coordinates. */
export function numericalGradient(f: (x: Float32Array) => number, x: Float32Array, coords: number[], eps = 1e-2): number[] {
  return coords.map((i) => {
    const xp = x.slice();
    const xm = x.slice();
    xp[i] = xp[i]! + eps;
    xm[i] = xm[i]! - eps;
    return (f(xp) - f(xm)) / (2 * eps);
  });
}

/** Output shape of tf.conv2d for an input and filter shape (the gradient kernels' dy shape). */
export function conv2dOutputShape(
  x: number[],
  filter: number[],
  strides: number | [number, number],
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]],
): number[] {
  const zeros4d = (shape: number[]) => tf.zeros(shape).as4D(shape[0]!, shape[1]!, shape[2]!, shape[3]!);
  return tf.tidy(() => tf.conv2d(zeros4d(x), zeros4d(filter), strides, pad).shape);
}

export { Rng };
