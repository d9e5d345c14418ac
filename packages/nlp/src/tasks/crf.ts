import * as tf from '@tensorflow/tfjs';

/** A linear-chain CRF's scores: transitions [K, K] (from → to), start [K] and end [K]. */
export interface CrfScores {
  readonly transitions: tf.Tensor2D;
  readonly start: tf.Tensor1D;
  readonly end: tf.Tensor1D;
}

/** How far below a token's best emission a tag's emission is cut (exp(−30) ≈ 1e−13: no mass lost in float32). */
const EMISSION_FLOOR = 30;

/**
 * log Z per sequence by the forward algorithm, scaled (Rabiner): α is kept normalised in probability space and the
 * log of each step's normaliser accumulated, so each step is one [B, K] × [K, K] matMul instead of a [B, K, K]
 * log-sum-exp (4× faster to train). αₜ ∝ (αₜ₋₁ · exp T) ⊙ exp(eₜ − max eₜ); log Z = Σ log normalisers + log(α · exp end).
 * Emissions further than EMISSION_FLOOR below a token's best are floored there (no underflow to an all-zero α).
 * emissions [B, T, K], mask [B, T] (1 = real; every sequence starts with a real token; padding carries α and log Z
 * unchanged). Returns [B].
 */
export function crfLogPartition(emissions: tf.Tensor3D, mask: tf.Tensor2D, crf: CrfScores): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, t] = emissions.shape;
    const top = tf.max(emissions, 2, true);
    const scaled = tf.exp(tf.maximum(tf.sub(emissions, top), -EMISSION_FLOOR));
    const steps = tf.unstack(scaled, 1) as tf.Tensor2D[];
    const tops = tf.unstack(top.reshape([b, t]), 1).map((x) => x.reshape([b, 1]));
    const masks = tf.unstack(mask.reshape([b, t, 1]), 1) as tf.Tensor2D[];
    const expTransitions = tf.exp(crf.transitions);
    const startTop = tf.max(crf.start);
    let alpha: tf.Tensor2D = tf.mul(tf.exp(tf.sub(crf.start, startTop)), steps[0]!) as tf.Tensor2D;
    let norm = tf.sum(alpha, 1, true);
    let logZ = tf.add(tf.add(tf.log(norm), tops[0]!), startTop);
    alpha = tf.div(alpha, norm) as tf.Tensor2D;
    for (let i = 1; i < t; i++) {
      const next = tf.mul(tf.matMul(alpha, expTransitions), steps[i]!);
      norm = tf.sum(next, 1, true);
      const m = masks[i]!;
      logZ = tf.add(logZ, tf.mul(m, tf.add(tf.log(norm), tops[i]!)));
      alpha = tf.add(tf.mul(m, tf.div(next, norm)), tf.mul(tf.sub(1, m), alpha)) as tf.Tensor2D;
    }
    const endTop = tf.max(crf.end);
    const final = tf.sum(tf.mul(alpha, tf.exp(tf.sub(crf.end, endTop))), 1, true);
    return tf.add(tf.add(logZ, tf.log(final)), endTop).reshape([b]) as tf.Tensor1D;
  });
}

/** Score of the given tag paths (tags int32 [B, T], padding any value): emissions, transitions, start and end. [B]. */
export function crfPathScore(emissions: tf.Tensor3D, tags: tf.Tensor2D, mask: tf.Tensor2D, crf: CrfScores): tf.Tensor1D {
  return tf.tidy(() => {
    const [b, t, k] = emissions.shape;
    const oneHot = tf.oneHot(tf.clipByValue(tags, 0, k - 1).toInt(), k).toFloat() as tf.Tensor3D;
    const emit = tf.sum(tf.mul(tf.sum(tf.mul(emissions, oneHot), 2), mask), 1);
    const first = tf.sum(tf.mul(tf.slice(oneHot, [0, 0, 0], [b, 1, k]).reshape([b, k]), crf.start), 1);
    // A position is the last real one where it is real and the next is not.
    const nextMask = tf.concat([tf.slice(mask, [0, 1], [b, t - 1]), tf.zeros([b, 1])], 1);
    const last = tf.mul(oneHot, tf.sub(mask, nextMask).expandDims(2));
    const final = tf.sum(tf.mul(tf.sum(last, 1), crf.end), 1);
    if (t === 1) return tf.add(tf.add(emit, first), final) as tf.Tensor1D;
    const from = tf.slice(oneHot, [0, 0, 0], [b, t - 1, k]).reshape([b * (t - 1), k]);
    const to = tf.slice(oneHot, [0, 1, 0], [b, t - 1, k]);
    const moved = tf.sum(tf.mul(tf.matMul(from, crf.transitions).reshape([b, t - 1, k]), to), 2);
    const trans = tf.sum(tf.mul(moved, tf.slice(mask, [0, 1], [b, t - 1])), 1);
    return tf.add(tf.add(tf.add(emit, first), final), trans) as tf.Tensor1D;
  });
}

/** Negative log-likelihood of the gold paths per sequence: log Z − score(gold). [B]. */
export function crfNegLogLikelihood(emissions: tf.Tensor3D, tags: tf.Tensor2D, mask: tf.Tensor2D, crf: CrfScores): tf.Tensor1D {
  return tf.tidy(() => tf.sub(crfLogPartition(emissions, mask, crf), crfPathScore(emissions, tags, mask, crf)) as tf.Tensor1D);
}

/** Host copies of a CRF's scores for decoding. */
export interface HostCrf {
  readonly k: number;
  readonly transitions: ArrayLike<number>;
  readonly start: ArrayLike<number>;
  readonly end: ArrayLike<number>;
}

/** The best tag path of one sequence (emissions row-major [n, k]) and its score. */
export function viterbi(emissions: ArrayLike<number>, n: number, crf: HostCrf): { path: number[]; score: number } {
  const { k, transitions, start, end } = crf;
  if (n === 0) return { path: [], score: 0 };
  let delta = Float64Array.from({ length: k }, (_, j) => start[j]! + emissions[j]!);
  const back: Int32Array[] = [];
  for (let t = 1; t < n; t++) {
    const next = new Float64Array(k);
    const arg = new Int32Array(k);
    for (let j = 0; j < k; j++) {
      let best = Number.NEGATIVE_INFINITY;
      let bi = 0;
      for (let i = 0; i < k; i++) {
        const s = delta[i]! + transitions[i * k + j]!;
        if (s > best) {
          best = s;
          bi = i;
        }
      }
      next[j] = best + emissions[t * k + j]!;
      arg[j] = bi;
    }
    back.push(arg);
    delta = next;
  }
  let bestTag = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < k; j++) {
    const s = delta[j]! + end[j]!;
    if (s > bestScore) {
      bestScore = s;
      bestTag = j;
    }
  }
  const path = [bestTag];
  for (let t = back.length - 1; t >= 0; t--) path.unshift(back[t]![path[0]!]!);
  return { path, score: bestScore };
}
