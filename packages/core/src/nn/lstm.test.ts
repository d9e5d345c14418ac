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
