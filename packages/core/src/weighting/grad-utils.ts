import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';

/**
 * T×T helpers shared by gradient methods: the Gram matrix of the [T, D] task gradients is formed with one tf.matMul
 * (D is large), everything else is small JS number math.
 */
export function gramMatrix(grads: tf.Tensor2D): number[][] {
  const g = tf.tidy(() => tf.matMul(grads, grads, false, true));
  const a = g.arraySync() as number[][];
  g.dispose();
  const n = a.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = 0.5 * (a[i]![j]! + a[j]![i]!);
      a[i]![j] = s;
      a[j]![i] = s;
    }
  }
  return a;
}

/** Σ_t w_t · grads[t] as a [D] tensor (one [1,T]×[T,D] matMul). */
export function combineRows(grads: tf.Tensor2D, weights: readonly number[]): tf.Tensor1D {
  const [t, d] = grads.shape;
  if (weights.length !== t) throw new Error(`expected ${t} weights, got ${weights.length}`);
  return tf.tidy(() => tf.matMul(tf.tensor2d([...weights], [1, t], 'float32'), grads).reshape([d]) as tf.Tensor1D);
}

/** Pairwise cosine similarity of the task gradients (rows), T×T; 0 where a gradient is zero. Logged by the trainer. */
export function gradientCosines(grads: tf.Tensor2D): number[][] {
  return cosinesFromGram(gramMatrix(grads));
}

export function cosinesFromGram(gram: readonly (readonly number[])[]): number[][] {
  const norms = gram.map((row, i) => Math.sqrt(Math.max(0, row[i]!)));
  return gram.map((row, i) =>
    row.map((g, j) => {
      if (i === j) return norms[i]! > 0 ? 1 : 0;
      const d = norms[i]! * norms[j]!;
      return d > 0 ? Math.max(-1, Math.min(1, g / d)) : 0;
    }),
  );
}

export function softmax(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

export function matVec(a: readonly (readonly number[])[], x: readonly number[]): number[] {
  return a.map((row) => row.reduce((s, v, j) => s + v * x[j]!, 0));
}

export function dot(a: readonly number[], b: readonly number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** Scalar values of the loss tensors (one sync read each). */
export function lossValues(losses: readonly tf.Scalar[]): number[] {
  return losses.map((l) => l.dataSync()[0]!);
}

// ---- Float32 tensors in JSON state (exact, compact): base64 of the little-endian bytes. ----

export const Float32Blob = z.object({
  shape: z.array(z.number().int().nonnegative()),
  base64: z.string(),
});
export type Float32Blob = z.infer<typeof Float32Blob>;

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function toBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const b0 = bytes[i]!;
    const b1 = i + 1 < bytes.length ? bytes[i + 1]! : 0;
    const b2 = i + 2 < bytes.length ? bytes[i + 2]! : 0;
    const n = (b0 << 16) | (b1 << 8) | b2;
    out += ALPHABET[(n >> 18) & 63]! + ALPHABET[(n >> 12) & 63]!;
    out += i + 1 < bytes.length ? ALPHABET[(n >> 6) & 63]! : '=';
    out += i + 2 < bytes.length ? ALPHABET[n & 63]! : '=';
  }
  return out;
}

function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, '');
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const c = [0, 1, 2, 3].map((k) => (i + k < clean.length ? ALPHABET.indexOf(clean[i + k]!) : 0));
    if (c.some((x) => x < 0)) throw new Error('invalid base64 in weighting state');
    const n = (c[0]! << 18) | (c[1]! << 12) | (c[2]! << 6) | c[3]!;
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

export function encodeTensor(t: tf.Tensor): Float32Blob {
  const data = Float32Array.from(t.dataSync());
  // Little-endian regardless of the platform.
  const view = new DataView(new ArrayBuffer(4 * data.length));
  for (let i = 0; i < data.length; i++) view.setFloat32(4 * i, data[i]!, true);
  return { shape: [...t.shape], base64: toBase64(new Uint8Array(view.buffer)) };
}

export function decodeTensor(blob: Float32Blob): tf.Tensor {
  const bytes = fromBase64(blob.base64);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = blob.shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== 4 * n) throw new Error('weighting state: tensor size does not match its shape');
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat32(4 * i, true);
  return tf.tensor(data, blob.shape, 'float32');
}
