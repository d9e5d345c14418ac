import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createGauc } from './gauc.js';
import type { Metric } from './metric.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function feed(metric: Metric, p: number[], y: number[], users: number[], mask?: number[], input = 'user_id'): void {
  const pt = tf.tensor1d(p);
  const yt = tf.tensor1d(y);
  const ut = tf.tensor1d(users, 'int32');
  const mt = mask ? tf.tensor1d(mask) : undefined;
  const before = tf.memory().numTensors;
  metric.update({ predictions: pt, labels: yt, mask: mt, inputs: { [input]: ut } });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([pt, yt, ut, ...(mt ? [mt] : [])]);
}

// Interleaved users:
//   user 7: scores [0.1, 0.4, 0.35, 0.8], labels [0, 0, 1, 1] → AUC 0.75, 4 samples
//   user 9: scores [0.6, 0.2, 0.5],       labels [1, 0, 0]    → AUC 1,    3 samples
//   user 3: scores [0.5, 0.9],            labels [1, 1]       → one class: skipped
// GAUC = (0.75·4 + 1·3) / (4 + 3) = 6/7
const P = [0.1, 0.6, 0.5, 0.4, 0.2, 0.35, 0.9, 0.5, 0.8];
const Y = [0, 1, 1, 0, 0, 1, 1, 0, 1];
const U = [7, 9, 3, 7, 9, 7, 3, 9, 7];

describe('gauc', () => {
  it('is named gauc, higher is better, NaN before any sample', () => {
    const m = createGauc({ groupInput: 'user_id' });
    expect([m.name, m.direction]).toEqual(['gauc', 'max']);
    expect(m.result()).toBeNaN();
  });

  it('weights per-user AUC by sample count and skips single-class users (2 users by hand)', () => {
    const m = createGauc({ groupInput: 'user_id' });
    feed(m, P, Y, U);
    expect(m.result()).toBeCloseTo(6 / 7, 12);
  });

  it('streams: a user split across two batches gives the same value', () => {
    const m = createGauc({ groupInput: 'user_id' });
    feed(m, P.slice(0, 4), Y.slice(0, 4), U.slice(0, 4));
    feed(m, P.slice(4), Y.slice(4), U.slice(4));
    expect(m.result()).toBeCloseTo(6 / 7, 12);
    m.reset();
    expect(m.result()).toBeNaN();
  });

  it('masked samples and padding labels count neither in the AUC nor in the weight', () => {
    // Mask user 7's negative at 0.4: user 7 → [0.1 (0), 0.35 (1), 0.8 (1)] AUC 1, 3 samples; user 9 AUC 1, 3 samples → 1.
    const mask = [1, 1, 1, 0, 1, 1, 1, 1, 1];
    const m = createGauc({ groupInput: 'user_id' });
    feed(m, P, Y, U, mask);
    expect(m.result()).toBe(1);
    // Padding user 9's positive leaves user 9 single-class (skipped): GAUC = user 7's AUC = 0.75.
    const padded = createGauc({ groupInput: 'user_id' });
    feed(padded, P, [0, -1, 1, 0, 0, 1, 1, 0, 1], U);
    expect(padded.result()).toBeCloseTo(0.75, 12);
  });

  it('NaN when no user has both classes', () => {
    const m = createGauc({ groupInput: 'user_id' });
    feed(m, [0.2, 0.7], [1, 0], [1, 2]);
    expect(m.result()).toBeNaN();
  });

  it('reads the group ids from the input named by groupInput; errors name what is missing', () => {
    const m = createGauc({ groupInput: 'uid' });
    feed(m, P, Y, U, undefined, 'uid');
    expect(m.result()).toBeCloseTo(6 / 7, 12);
    const p = tf.tensor1d([0.2]);
    const y = tf.tensor1d([1]);
    const other = tf.tensor1d([1], 'int32');
    expect(() => m.update({ predictions: p, labels: y })).toThrow(/inputs\["uid"\]; no inputs were passed/);
    expect(() => m.update({ predictions: p, labels: y, inputs: { user_id: other } })).toThrow(/inputs are: user_id/);
    const twoIds = tf.tensor1d([1, 2], 'int32');
    expect(() => m.update({ predictions: p, labels: y, inputs: { uid: twoIds } })).toThrow(/must have shape \[1\]/);
    tf.dispose([p, y, other, twoIds]);
  });

  it('names no default group input: the domain says which input holds the group ids', () => {
    expect(() => createGauc()).toThrow(/groupInput/);
  });
});
