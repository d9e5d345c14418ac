import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { crfLogPartition, crfNegLogLikelihood, crfPathScore, type HostCrf, viterbi } from './crf.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const K = 3;
const T = 4;
const B = 2;
const LENGTHS = [4, 2];
// Fixed pseudo-random scores (a small LCG), so the brute force is reproducible.
function values(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return (s / 2147483648) * 4 - 2;
  });
}
const E = values(B * T * K, 1);
const TR = values(K * K, 2);
const ST = values(K, 3);
const EN = values(K, 4);
const MASK = LENGTHS.flatMap((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0)));

function pathScore(b: number, path: number[]): number {
  let s = ST[path[0]!]! + EN[path.at(-1)!]!;
  path.forEach((y, t) => {
    s += E[(b * T + t) * K + y]!;
    if (t > 0) s += TR[path[t - 1]! * K + y]!;
  });
  return s;
}

function allPaths(n: number): number[][] {
  if (n === 0) return [[]];
  return allPaths(n - 1).flatMap((p) => Array.from({ length: K }, (_, y) => [...p, y]));
}

const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
};

const scores = () => ({ transitions: tf.tensor2d(TR, [K, K]), start: tf.tensor1d(ST), end: tf.tensor1d(EN) });
const host: HostCrf = { k: K, transitions: TR, start: ST, end: EN };

describe('linear-chain CRF', () => {
  it('log Z equals the brute-force log-sum-exp over all K^n paths, padding ignored', () => {
    const z = tf.tidy(() => crfLogPartition(tf.tensor3d(E, [B, T, K]), tf.tensor2d(MASK, [B, T]), scores()).arraySync());
    LENGTHS.forEach((n, b) => {
      expect(z[b]).toBeCloseTo(logSumExp(allPaths(n).map((p) => pathScore(b, p))), 4);
    });
  });

  it('the path score matches a hand sum; padded positions (any tag) change nothing', () => {
    const tags = [0, 2, 1, 1, 2, 0, 1, 2]; // sample 1 is padded after 2 tokens; its padding tags are arbitrary
    const s = tf.tidy(() =>
      crfPathScore(tf.tensor3d(E, [B, T, K]), tf.tensor2d(tags, [B, T], 'int32'), tf.tensor2d(MASK, [B, T]), scores()).arraySync(),
    );
    expect(s[0]).toBeCloseTo(pathScore(0, [0, 2, 1, 1]), 4);
    expect(s[1]).toBeCloseTo(pathScore(1, [2, 0]), 4);
  });

  it('Viterbi finds the brute-force best path', () => {
    LENGTHS.forEach((n, b) => {
      const paths = allPaths(n);
      const best = paths.reduce((a, p) => (pathScore(b, p) > pathScore(b, a) ? p : a));
      const v = viterbi(E.slice(b * T * K, (b * T + n) * K), n, host);
      expect(v.path).toEqual(best);
      expect(v.score).toBeCloseTo(pathScore(b, best), 6);
    });
  });

  it('the NLL gradient matches central differences', () => {
    const tags = tf.tensor2d([0, 2, 1, 1, 2, 0, 0, 0], [B, T], 'int32');
    const mask = tf.tensor2d(MASK, [B, T]);
    const s = scores();
    const f = (e: tf.Tensor, tr: tf.Tensor) =>
      tf.sum(crfNegLogLikelihood(e as tf.Tensor3D, tags, mask, { ...s, transitions: tr as tf.Tensor2D }));
    const e0 = tf.tensor3d(E, [B, T, K]);
    const [ge, gt] = tf
      .grads(f)([e0, s.transitions])
      .map((g) => Array.from(g.dataSync()));
    const h = 1e-2;
    const numeric = (which: 0 | 1, i: number) => {
      const base = which === 0 ? E : TR;
      const shape = which === 0 ? [B, T, K] : [K, K];
      const at = (d: number) => {
        const v = base.slice();
        v[i]! += d;
        const x = tf.tensor(v, shape);
        const r = which === 0 ? f(x, s.transitions) : f(e0, x);
        return r.dataSync()[0]!;
      };
      return (at(h) - at(-h)) / (2 * h);
    };
    for (let i = 0; i < E.length; i++) expect(ge![i]).toBeCloseTo(numeric(0, i), 2);
    for (let i = 0; i < TR.length; i++) expect(gt![i]).toBeCloseTo(numeric(1, i), 2);
    // padded positions get no emission gradient
    for (let t = 2; t < T; t++) for (let k = 0; k < K; k++) expect(ge![(T + t) * K + k]).toBe(0);
  });
});
