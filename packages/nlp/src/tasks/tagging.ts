import {
  createMetrics,
  createParameter,
  type DecodeContext,
  type KindConfig,
  keptPositions,
  type MetricSpec,
  type Parameter,
  softmaxCrossEntropy,
  type TaskBuildContext,
  type TaskSpec,
  taskKind,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { tagScheme } from '../data/preprocessing.js';
import { allowedTransition } from '../tags/schemes.js';
import { nlpContext, requireLabel } from './context.js';
import { crfNegLogLikelihood, type HostCrf, viterbi } from './crf.js';

/** One sentence's decoded tags (real tokens only) and each tag's probability. */
export interface TaggedSentence {
  readonly tags: string[];
  readonly scores: number[];
}

const DEFAULT_HEAD = 'token';

/** Lengths of a batch's sequences from the position mask ([B, T]); all T without one. */
export function maskLengths(mask: tf.Tensor | undefined, b: number, t: number): number[] {
  if (!mask) return Array.from({ length: b }, () => t);
  const m = mask.dataSync();
  return Array.from({ length: b }, (_, i) => {
    let n = 0;
    for (let j = 0; j < t; j++) n += m[i * t + j]! > 0 ? 1 : 0;
    return n;
  });
}

/** Softmax probabilities of row-major scores [n, k]. */
function softmaxRows(scores: ArrayLike<number>, n: number, k: number): Float64Array {
  const out = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let max = Number.NEGATIVE_INFINITY;
    for (let j = 0; j < k; j++) max = Math.max(max, scores[i * k + j]!);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += out[i * k + j] = Math.exp(scores[i * k + j]! - max);
    for (let j = 0; j < k; j++) out[i * k + j]! /= sum;
  }
  return out;
}

function defaultMetrics(scheme: string): MetricSpec[] {
  return scheme === 'none' ? ['tag_accuracy'] : ['entities'];
}

export const SoftmaxTaggingOptions = z.strictObject({});

/** Token tagging with an independent softmax per token; decode takes each token's most probable tag. */
export function softmaxTaggingTask(c: KindConfig<typeof SoftmaxTaggingOptions>, context?: TaskBuildContext): TaskSpec {
  const key = c.label ?? c.name;
  const ctx = nlpContext(c.name, context);
  requireLabel(c.name, key, ctx.preprocessing, 'tags');
  const names = ctx.preprocessing.names[key]!;
  const k = ctx.preprocessing.trainedCount(key);
  const metrics = c.metrics ?? defaultMetrics(tagScheme(ctx.preprocessing, key));
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type === 'mlp' ? DEFAULT_HEAD : c.head.type, options: c.head.options, outputUnits: k },
    loss: (out, t) => softmaxCrossEntropy(out, t.labels!, keptPositions(t, t.labels!.shape)),
    activate: (out) => tf.softmax(out),
    decode: (p, dc?: DecodeContext) => {
      const [b, t] = p.shape as [number, number, number];
      const probs = p.dataSync();
      return maskLengths(dc?.positionMask, b, t).map((n, i): TaggedSentence => {
        const tags: string[] = [];
        const scores: number[] = [];
        for (let j = 0; j < n; j++) {
          const base = (i * t + j) * k;
          let best = 0;
          for (let y = 1; y < k; y++) if (probs[base + y]! > probs[base + best]!) best = y;
          tags.push(names[best]!);
          scores.push(probs[base + best]!);
        }
        return { tags, scores };
      });
    },
    createMetrics: () => createMetrics(metrics, { classNames: names, preprocessing: ctx.preprocessing }),
  };
}

export const CrfTaggingOptions = z.strictObject({
  /** Forbid the moves the tag scheme rules out (I-x after O, ...) in training and decoding. */
  constrained: z.boolean().default(true),
});

/** A large negative score on forbidden moves: exp(-1e4) is 0 in float32, so no path through them has mass. */
const FORBIDDEN = -1e4;

/**
 * Token tagging with a linear-chain CRF (Lample et al. 2016): the head scores each tag per token (emissions), the
 * task owns the transition, start and end scores (`parameters()`), the loss is the negative log-likelihood of the
 * gold path (forward algorithm, per token), decode is Viterbi. Moves the scheme forbids get a fixed −10⁴.
 */
export function crfTaggingTask(c: KindConfig<typeof CrfTaggingOptions>, context?: TaskBuildContext): TaskSpec {
  const key = c.label ?? c.name;
  const ctx = nlpContext(c.name, context);
  requireLabel(c.name, key, ctx.preprocessing, 'tags');
  const names = ctx.preprocessing.names[key]!;
  const k = ctx.preprocessing.trainedCount(key);
  const scheme = c.constrained ? tagScheme(ctx.preprocessing, key) : 'none';
  const trained = names.slice(0, k);
  const penalty = (ok: boolean) => (ok ? 0 : FORBIDDEN);
  const transitionMask = Float32Array.from({ length: k * k }, (_, i) =>
    penalty(allowedTransition(trained[Math.floor(i / k)], trained[i % k], scheme)),
  );
  const startMask = Float32Array.from(trained, (tag) => penalty(allowedTransition(undefined, tag, scheme)));
  const endMask = Float32Array.from(trained, (tag) => penalty(allowedTransition(tag, undefined, scheme)));
  const transitions = createParameter(`${c.name}/crf/transitions`, tf.zeros([k, k]));
  const start = createParameter(`${c.name}/crf/start`, tf.zeros([k]));
  const end = createParameter(`${c.name}/crf/end`, tf.zeros([k]));
  const scores = () => ({
    transitions: tf.add(transitions.variable, tf.tensor2d(transitionMask, [k, k])) as tf.Tensor2D,
    start: tf.add(start.variable, tf.tensor1d(startMask)) as tf.Tensor1D,
    end: tf.add(end.variable, tf.tensor1d(endMask)) as tf.Tensor1D,
  });
  const metrics = c.metrics ?? defaultMetrics(tagScheme(ctx.preprocessing, key));
  return {
    name: c.name,
    label: c.label,
    head: { type: c.head.type === 'mlp' ? DEFAULT_HEAD : c.head.type, options: c.head.options, outputUnits: k },
    parameters: (): Parameter[] => [transitions, start, end],
    loss: (out, t) =>
      tf.tidy(() => {
        const labels = t.labels! as tf.Tensor2D;
        const mask = (keptPositions(t, labels.shape) ?? tf.onesLike(labels).toFloat()) as tf.Tensor2D;
        const nll = crfNegLogLikelihood(out as tf.Tensor3D, labels, mask, scores());
        // Sequences masked out entirely (a sample without this label) count nothing; the mean is per token.
        const kept = tf.slice(mask, [0, 0], [mask.shape[0], 1]).reshape([-1]);
        return tf.div(tf.sum(tf.mul(nll, kept)), tf.maximum(tf.sum(mask), 1)) as tf.Scalar;
      }),
    activate: (out) => tf.clone(out),
    decode: (p, dc?: DecodeContext) => {
      const [b, t] = p.shape as [number, number, number];
      const emissions = p.dataSync();
      const host: HostCrf = tf.tidy(() => {
        const s = scores();
        return { k, transitions: s.transitions.dataSync(), start: s.start.dataSync(), end: s.end.dataSync() };
      });
      return maskLengths(dc?.positionMask, b, t).map((n, i): TaggedSentence => {
        const rows = emissions.subarray(i * t * k, (i * t + n) * k);
        const { path } = viterbi(rows, n, host);
        const probs = softmaxRows(rows, n, k);
        return { tags: path.map((y) => names[y]!), scores: path.map((y, j) => probs[j * k + y]!) };
      });
    },
    createMetrics: () => createMetrics(metrics, { classNames: names, preprocessing: ctx.preprocessing }),
  };
}

export const softmaxTaggingKind = taskKind(SoftmaxTaggingOptions, softmaxTaggingTask);
export const crfTaggingKind = taskKind(CrfTaggingOptions, crfTaggingTask);
