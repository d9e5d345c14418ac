import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { BiLstm, Lstm } from './lstm.js';
import { disposeModule } from './module.js';

/** Step-by-step LSTM from plain ops (autodiff gradients): the reference for the custom-gradient layer. */
function referenceLstm(x: tf.Tensor3D, wx: tf.Tensor2D, wh: tf.Tensor2D, b: tf.Tensor1D, reverse: boolean): tf.Tensor3D {
  const [B, L] = x.shape;
  const H = wh.shape[0];
  let h: tf.Tensor = tf.zeros([B, H]);
  let c: tf.Tensor = tf.zeros([B, H]);
  const out: tf.Tensor[] = new Array(L);
  for (let k = 0; k < L; k++) {
    const t = reverse ? L - 1 - k : k;
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [B, 1, -1]), [B, -1]);
    const z = tf.add(tf.add(tf.matMul(xt, wx), tf.matMul(h, wh)), b);
    const [i, f, g, o] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    c = tf.add(tf.mul(tf.sigmoid(f), c), tf.mul(tf.sigmoid(i), tf.tanh(g)));
    h = tf.mul(tf.sigmoid(o), tf.tanh(c));
    out[t] = h;
  }
  return tf.stack(out, 1) as tf.Tensor3D;
}

function maxRel(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-6, tf.max(tf.abs(b)).dataSync()[0]!));
}

describe('Lstm (custom gradient)', () => {
  for (const reverse of [false, true]) {
    it(`matches an autodiff reference in outputs and all gradients (reverse=${reverse})`, () => {
      const lstm = new Lstm('t', 5, 4, new Rng(1), { reverse });
      const x = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 2) as tf.Tensor3D;
      const r = tf.randomNormal([3, 6, 4], 0, 1, 'float32', 3);
      const vars = lstm.parameters().map((p) => p.variable);
      const before = tf.memory().numTensors;
      tf.tidy(() => {
        const ours = tf.grads((xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(
            tf.mul(
              tf.transpose(
                lstm['op'](tf.transpose(xx, [1, 0, 2]) as tf.Tensor3D, a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor1D),
                [1, 0, 2],
              ),
              r,
            ),
          ),
        )([x, ...vars]);
        const ref = tf.grads((xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
          tf.sum(tf.mul(referenceLstm(xx as tf.Tensor3D, a as tf.Tensor2D, b as tf.Tensor2D, c as tf.Tensor1D, reverse), r)),
        )([x, ...vars]);
        expect(
          maxRel(lstm.apply(x), referenceLstm(x, ...(vars as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]), reverse)),
        ).toBeLessThan(1e-5);
        for (const [i, g] of ours.entries()) expect(maxRel(g, ref[i]!)).toBeLessThan(1e-4);
      });
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([x, r]);
      disposeModule(lstm);
    });
  }

  it('BiLstm concatenates both directions to [B, L, 2H] and trains end to end', () => {
    const bi = new BiLstm('bi', 5, 4, new Rng(3));
    const x = tf.randomNormal([2, 7, 5]) as tf.Tensor3D;
    const vars = bi.parameters().map((p) => p.variable);
    tf.tidy(() => {
      const y = bi.apply(x);
      expect(y.shape).toEqual([2, 7, 8]);
      expect(
        maxRel(
          tf.slice(y, [0, 0, 4], [2, 7, 4]),
          referenceLstm(
            x,
            ...(bi.backward.parameters().map((p) => p.variable) as unknown as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D]),
            true,
          ),
        ),
      ).toBeLessThan(1e-5);
      const { grads } = tf.variableGrads(() => tf.sum(tf.square(bi.apply(x))) as tf.Scalar, vars);
      expect(Object.keys(grads)).toHaveLength(6);
    });
    x.dispose();
    disposeModule(bi);
  });
});

describe('BiLstm with sequence lengths (padding-aware)', () => {
  const lstm = new BiLstm('padded', 3, 4, new Rng(7));
  const lengths = [2, 4, 1];
  const x = tf.randomNormal([3, 4, 3], 0, 1, 'float32', 8) as tf.Tensor3D;
  /** x padded to `l` steps with `fill` after each sequence's length. */
  const padded = (l: number, fill: number) =>
    tf.tidy(() => {
      const mask = tf.tensor3d(
        lengths.flatMap((n) => Array.from({ length: 4 }, (_, t) => (t < n ? 1 : 0))),
        [3, 4, 1],
      );
      const real = tf.add(tf.mul(x, mask), tf.mul(tf.sub(1, mask), fill));
      return l === 4 ? real : tf.concat([real, tf.fill([3, l - 4, 3], fill)], 1);
    }) as tf.Tensor3D;

  it('each sequence equals the LSTM run on its real tokens alone; padded outputs are 0', () => {
    const out = lstm.apply(padded(4, 0), undefined, lengths);
    const p = lstm.forward.parameters().map((q) => q.variable);
    const r = lstm.backward.parameters().map((q) => q.variable);
    lengths.forEach((n, i) => {
      const alone = tf.slice(x, [i, 0, 0], [1, n, 3]) as tf.Tensor3D;
      const fwd = referenceLstm(alone, p[0] as tf.Tensor2D, p[1] as tf.Tensor2D, p[2] as tf.Tensor1D, false);
      const bwd = referenceLstm(alone, r[0] as tf.Tensor2D, r[1] as tf.Tensor2D, r[2] as tf.Tensor1D, true);
      const expected = tf.concat([fwd, bwd], 2);
      expect(maxRel(tf.slice(out, [i, 0, 0], [1, n, 8]), expected)).toBeLessThan(1e-5);
      if (n < 4) expect(tf.max(tf.abs(tf.slice(out, [i, n, 0], [1, 4 - n, 8]))).dataSync()[0]).toBe(0);
    });
  });

  it('extra padding of any value changes no output at a real position, nor any gradient', () => {
    const vars = lstm.parameters().map((q) => q.variable);
    const w = tf.randomNormal([3, 7, 8], 0, 1, 'float32', 9);
    const lossAndGrads = (input: tf.Tensor3D) =>
      tf.tidy(() => {
        const weight = tf.slice(w, [0, 0, 0], [3, input.shape[1], 8]);
        const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(lstm.apply(input, undefined, lengths), weight)) as tf.Scalar, vars);
        return { value: value.dataSync()[0]!, grads: vars.map((v) => Array.from(grads[v.name]!.dataSync())) };
      });
    // The same loss weights at every real position (drawn once for the longest input, sliced for the shorter).
    const short = lossAndGrads(padded(4, 0));
    const long = lossAndGrads(padded(7, 3.5));
    expect(long.value).toBeCloseTo(short.value, 4);
    long.grads.forEach((g, k) => {
      g.forEach((v, j) => {
        expect(v).toBeCloseTo(short.grads[k]![j]!, 4);
      });
    });
  });

  it('keeps tensor counts flat', () => {
    const input = padded(6, 1);
    const before = tf.memory().numTensors;
    tf.dispose(lstm.apply(input, undefined, lengths));
    expect(tf.memory().numTensors).toBe(before);
    input.dispose();
  });
});
