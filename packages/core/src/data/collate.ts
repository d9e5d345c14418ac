import * as tf from '@tensorflow/tfjs';
import type { Batch } from './dataset.js';
import { type Ragged, raggedFromRows } from './ragged.js';

/** A host-side array with its shape (one sample's value, or a collated batch). */
export interface HostTensor {
  readonly data: Float32Array | Int32Array;
  readonly shape: readonly number[];
}

/** One sample as a reader produces it, on the host (decoded image, token ids, label sequence, boxes). */
export interface Sample {
  readonly inputs: Record<string, HostTensor>;
  /** Dense labels by label key; per-sample shapes may differ between samples (sequences of any length). */
  readonly labels?: Record<string, HostTensor>;
  /** Per-sample mask by label key: 0 = the sample does not carry that label (default 1 where the label exists). */
  readonly masks?: Record<string, number>;
  /** Variable-length targets by label key and field, each [items, ...itemShape] (boxes [n, 4], classes [n]). */
  readonly ragged?: Record<string, Record<string, HostTensor>>;
}

export interface CollateOptions {
  /** Pad value per input or label key (default 0 for inputs and float labels, -1 for int32 labels: the ignore index). */
  readonly padValues?: Readonly<Record<string, number>>;
  /**
   * Label keys that always get a per-position mask (sequence and pixel labels). Keys whose shapes differ within a
   * batch get one regardless.
   */
  readonly positionMasks?: readonly string[];
}

/**
 * Collates samples into a batch, padding each input and label to the batch's own largest shape (each batch only as
 * long as its longest sequence). Labels that are missing from a sample get mask 0 and pad values; per-position masks
 * mark the real positions of padded labels.
 */
export function collateSamples(samples: readonly Sample[], options: CollateOptions = {}): Batch {
  if (samples.length === 0) throw new Error('collateSamples: no samples');
  const b = samples.length;
  const inputKeys = Object.keys(samples[0]!.inputs);
  const labelKeys = [...new Set(samples.flatMap((s) => Object.keys(s.labels ?? {})))];
  const raggedKeys = [...new Set(samples.flatMap((s) => Object.keys(s.ragged ?? {})))];
  const inputs: Record<string, tf.Tensor> = {};
  for (const k of inputKeys) {
    const values = samples.map((s, i) => {
      const v = s.inputs[k];
      if (!v) throw new Error(`collateSamples: sample ${i} has no input "${k}"`);
      return v;
    });
    inputs[k] = padStack(values, options.padValues?.[k] ?? 0).tensor;
  }
  const labels: Record<string, tf.Tensor> = {};
  const masks: Record<string, tf.Tensor> = {};
  const positionMasks: Record<string, tf.Tensor> = {};
  for (const k of labelKeys) {
    const present = samples.map((s) => s.labels?.[k]);
    const like = present.find((v) => v !== undefined)!;
    const int = like.data instanceof Int32Array;
    const pad = options.padValues?.[k] ?? (int ? -1 : 0);
    const values = present.map((v) => v ?? { data: int ? new Int32Array(0) : new Float32Array(0), shape: like.shape.map(() => 0) });
    const stacked = padStack(values, pad);
    labels[k] = stacked.tensor;
    const sampleMask = samples.map((s, i) => (present[i] === undefined ? 0 : (s.masks?.[k] ?? 1)));
    if (sampleMask.some((m) => m !== 1)) masks[k] = tf.tensor1d(sampleMask);
    if (stacked.padded || options.positionMasks?.includes(k)) positionMasks[k] = stacked.realPositions();
  }
  for (const s of samples) {
    for (const [k, m] of Object.entries(s.masks ?? {})) {
      if (!(k in labels) && !raggedKeys.includes(k) && m !== 1) throw new Error(`collateSamples: mask "${k}" has no labels`);
    }
  }
  const ragged: Record<string, Record<string, Ragged>> = {};
  for (const k of raggedKeys) {
    const fields = [...new Set(samples.flatMap((s) => Object.keys(s.ragged?.[k] ?? {})))];
    ragged[k] = {};
    for (const f of fields) {
      const like = samples.map((s) => s.ragged?.[k]?.[f]).find((v) => v !== undefined)!;
      const itemShape = like.shape.slice(1);
      const rows = samples.map((s) => s.ragged?.[k]?.[f]?.data ?? new Float32Array(0));
      ragged[k][f] = raggedFromRows(rows, itemShape as number[], like.data instanceof Int32Array ? 'int32' : 'float32');
    }
    const sampleMask = samples.map((s) => (s.ragged?.[k] === undefined ? 0 : (s.masks?.[k] ?? 1)));
    if (!(k in masks) && sampleMask.some((m) => m !== 1)) masks[k] = tf.tensor1d(sampleMask);
  }
  return { inputs, labels, masks, positionMasks, ragged, size: b };
}

/** Stacks per-sample arrays of equal rank, padding every dimension to the largest. */
function padStack(values: readonly HostTensor[], pad: number): { tensor: tf.Tensor; padded: boolean; realPositions(): tf.Tensor } {
  const rank = values[0]!.shape.length;
  for (const v of values) {
    if (v.shape.length !== rank) throw new Error(`collateSamples: samples of rank ${rank} and ${v.shape.length} under one key`);
  }
  const max = Array.from({ length: rank }, (_, d) => Math.max(...values.map((v) => v.shape[d]!)));
  const width = max.reduce((a, c) => a * c, 1);
  const padded = values.some((v) => v.shape.some((n, d) => n !== max[d]));
  const int = values.some((v) => v.data instanceof Int32Array);
  const out = int ? new Int32Array(values.length * width) : new Float32Array(values.length * width);
  const real = padded ? new Float32Array(values.length * width) : undefined;
  if (padded) out.fill(pad);
  values.forEach((v, i) => {
    if (!padded) {
      out.set(v.data, i * width);
      return;
    }
    copyPadded(v, max, out, real!, i * width);
  });
  const dtype = int ? 'int32' : 'float32';
  return {
    tensor: tf.tensor(out, [values.length, ...max], dtype),
    padded,
    realPositions: () => (real ? tf.tensor(real, [values.length, ...max]) : tf.ones([values.length, ...max])),
  };
}

/** Copies one sample into its padded slot (row-major), marking the real positions. */
function copyPadded(v: HostTensor, max: readonly number[], out: Float32Array | Int32Array, real: Float32Array, base: number): void {
  const rank = max.length;
  if (rank === 0) {
    out[base] = v.data[0]!;
    real[base] = 1;
    return;
  }
  const count = v.shape.reduce((a, c) => a * c, 1);
  const index = new Array<number>(rank).fill(0);
  for (let k = 0; k < count; k++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset = offset * max[d]! + index[d]!;
    out[base + offset] = v.data[k]!;
    real[base + offset] = 1;
    for (let d = rank - 1; d >= 0; d--) {
      index[d]! += 1;
      if (index[d]! < v.shape[d]!) break;
      index[d] = 0;
    }
  }
}
