// The three reference workloads, scaled down, on the embedded default with every kernel override active: their
// analytic gradients (tf.variableGrads through our UnsortedSegmentSum, BLAS MatMul/Conv2D/backprops, LSTM custom
// gradient, ...) against central differences of the same loss, parameter by parameter.

import { selectBackend } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Workload } from './common.js';
import { build as buildBilstm } from './models/nlp-joint-bilstm.js';
import { build as buildMmoe } from './models/recsys-mmoe.js';
import { build as buildDetSeg } from './models/vision-det-seg.js';

const optimizer = { lr: 1e-3 };

/** Loss at the variable's current values with element `i` moved by `delta`. */
function lossWith(work: Workload, variable: tf.Variable, i: number, delta: number): number {
  const values = variable.dataSync().slice() as Float32Array;
  const original = values[i]!;
  values[i] = original + delta;
  const moved = tf.tensor(values, variable.shape);
  variable.assign(moved);
  moved.dispose();
  const loss = tf.tidy(() => work.loss().dataSync()[0]!);
  values[i] = original;
  const restored = tf.tensor(values, variable.shape);
  variable.assign(restored);
  restored.dispose();
  return loss;
}

/**
 * For every trainable parameter, the `perParameter` coordinates with the largest analytic gradient (where float32
 * central differences are meaningful) must match the numerical gradient.
 */
function checkGradients(work: Workload, perParameter = 2, epsilon = 1e-3): { checked: number; worst: number } {
  const vars = work.parameters.filter((p) => p.trainable).map((p) => p.variable);
  const analytic = tf.tidy(() => {
    const { value, grads } = tf.variableGrads(() => work.loss(), vars);
    value.dispose();
    return vars.map((v) => grads[v.name]!.dataSync().slice() as Float32Array);
  });
  let checked = 0;
  let worst = 0;
  vars.forEach((v, k) => {
    const g = analytic[k]!;
    const order = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]!) - Math.abs(g[a]!));
    for (const i of order.slice(0, perParameter)) {
      const numeric = (lossWith(work, v, i, epsilon) - lossWith(work, v, i, -epsilon)) / (2 * epsilon);
      const error = Math.abs(g[i]! - numeric) / Math.max(1e-2, Math.abs(numeric));
      worst = Math.max(worst, error);
      expect(error, `${v.name}[${i}]: analytic ${g[i]} vs numeric ${numeric}`).toBeLessThan(5e-2);
      checked++;
    }
  });
  return { checked, worst };
}

beforeAll(async () => {
  await selectBackend({ backend: 'wasm', log: () => {} });
});

describe('reference workloads: analytic gradients match central differences (wasm + kernel overrides)', () => {
  const built: Workload[] = [];
  afterAll(() => {
    for (const w of built) w.dispose();
  });

  it('recsys-mmoe (embedding gather → UnsortedSegmentSum, fused MatMul, gates, towers)', () => {
    const work = buildMmoe({
      batch: 16,
      sparse_fields: 3,
      vocab_per_field: 7,
      embedding_dim: 4,
      dense_features: 2,
      experts: 2,
      expert_units: [8, 6],
      tower_units: [5],
      tasks: ['ctr', 'cvr'],
      optimizer,
    });
    built.push(work);
    expect(checkGradients(work).checked).toBeGreaterThan(10);
  });

  it('nlp-joint-bilstm (embedding, BiLSTM custom gradient, max over time, slot head)', () => {
    const work = buildBilstm({ batch: 3, seq_len: 5, vocab: 11, embedding_dim: 4, lstm_units: 3, intents: 3, slot_labels: 4, optimizer });
    built.push(work);
    expect(checkGradients(work).checked).toBeGreaterThan(10);
  });

  it('vision-det-seg (Conv2D and both backprops, BatchNorm, resizes, focal and L1 losses)', () => {
    const work = buildDetSeg({
      batch: 2,
      image_size: 16,
      channels: [4, 6, 8],
      neck_channels: 4,
      seg_classes: 3,
      det_classes: 2,
      objects_per_image: 2,
      optimizer,
    });
    built.push(work);
    expect(checkGradients(work).checked).toBeGreaterThan(10);
  });

  it('a training step keeps the tensor count flat', () => {
    for (const work of built) {
      work.step();
      const before = tf.memory().numTensors;
      work.step();
      work.step();
      expect(tf.memory().numTensors).toBe(before);
    }
  });
});
