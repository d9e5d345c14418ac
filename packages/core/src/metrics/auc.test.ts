import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { aucFromScores, createAuc } from './auc.js';
import type { Metric } from './metric.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function feed(metric: Metric, p: number[], y: number[], mask?: number[]): void {
  const pt = tf.tensor1d(p);
  const yt = tf.tensor1d(y);
  const mt = mask ? tf.tensor1d(mask) : undefined;
  const before = tf.memory().numTensors;
  metric.update({ predictions: pt, labels: yt, mask: mt });
  expect(tf.memory().numTensors).toBe(before);
  tf.dispose([pt, yt, ...(mt ? [mt] : [])]);
}

function aucOf(p: number[], y: number[], mask?: number[]): number {
  const m = createAuc();
  feed(m, p, y, mask);
  return m.result();
}

/** O(n²) reference: fraction of (positive, negative) pairs ordered correctly, ties ½. */
function pairwiseAuc(p: number[], y: number[]): number {
  let won = 0;
  let pairs = 0;
  for (let i = 0; i < p.length; i++) {
    for (let j = 0; j < p.length; j++) {
      if (y[i] !== 1 || y[j] !== 0) continue;
      pairs++;
      won += p[i]! > p[j]! ? 1 : p[i] === p[j] ? 0.5 : 0;
    }
  }
  return won / pairs;
}

describe('auc', () => {
  it('is named auc, higher is better', () => {
    const m = createAuc();
    expect([m.name, m.direction]).toEqual(['auc', 'max']);
    expect(m.result()).toBeNaN();
  });

  it('sklearn example: [0.1, 0.4, 0.35, 0.8] vs [0, 0, 1, 1] = 0.75', () => {
    // ranks 1, 3, 2, 4; positive rank sum 6 − 2·3/2 = 3 = U; 3 / (2·2) = 0.75
    expect(aucOf([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])).toBe(0.75);
  });

  it('ties count ½ (average ranks)', () => {
    // scores [0.2, 0.5, 0.5, 0.9], labels [0, 1, 0, 1]: ranks 1, 2.5, 2.5, 4;
    // U = (2.5 + 4) − 3 = 3.5; pairs: (0.5 > 0.2) 1 + (0.5 = 0.5) ½ + (0.9 > 0.2) 1 + (0.9 > 0.5) 1 = 3.5; 3.5 / 4
    expect(aucOf([0.2, 0.5, 0.5, 0.9], [0, 1, 0, 1])).toBe(0.875);
    // all scores equal → 0.5
    expect(aucOf([0.3, 0.3, 0.3], [1, 0, 1])).toBe(0.5);
    // perfectly wrong ranking → 0
    expect(aucOf([0.9, 0.1], [0, 1])).toBe(0);
  });

  it('NaN when only one class is present, or a score is NaN', () => {
    expect(aucOf([0.1, 0.7], [1, 1])).toBeNaN();
    expect(aucOf([0.1, 0.7], [0, 0])).toBeNaN();
    expect(aucOf([0.1, Number.NaN, 0.3], [0, 1, 1])).toBeNaN();
  });

  it('masks and padding labels drop samples', () => {
    // Dropping the negative at 0.4 leaves [0.1 (0), 0.35 (1), 0.8 (1)] → 1.
    expect(aucOf([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], [1, 0, 1, 1])).toBe(1);
    expect(aucOf([0.1, 0.4, 0.35, 0.8], [0, -1, 1, 1])).toBe(1);
  });

  it('streams: two batches equal one; reset clears', () => {
    const m = createAuc();
    feed(m, [0.1, 0.4], [0, 0]);
    expect(m.result()).toBeNaN();
    feed(m, [0.35, 0.8], [1, 1]);
    expect(m.result()).toBe(0.75);
    m.reset();
    feed(m, [0.9, 0.1], [0, 1]);
    expect(m.result()).toBe(0);
  });

  it('matches the pairwise definition on random data with many ties, streamed in batches', () => {
    let seed = 7;
    const rand = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const p = Array.from({ length: 3000 }, () => Math.round(rand() * 20) / 20);
    const y = p.map((s) => (rand() < 0.3 + 0.4 * s ? 1 : 0));
    const m = createAuc();
    for (let i = 0; i < p.length; i += 700) feed(m, p.slice(i, i + 700), y.slice(i, i + 700));
    expect(m.result()).toBeCloseTo(pairwiseAuc(p.map(Math.fround), y), 12);
  });

  it('aucFromScores works on plain arrays; [B, 1] predictions are accepted; [B, C] and bad options are not', () => {
    expect(aucFromScores(Float64Array.from([0.35, 0.8]), Float64Array.from([0.1, 0.4]))).toBe(0.75);
    const m = createAuc();
    const p1 = tf.tensor2d([[0.2], [0.8]]);
    const y = tf.tensor1d([0, 1], 'int32');
    m.update({ predictions: p1, labels: y });
    expect(m.result()).toBe(1);
    const pc = tf.tensor2d([
      [0.2, 0.8],
      [0.6, 0.4],
    ]);
    expect(() => m.update({ predictions: pc, labels: y })).toThrow(/binary probabilities/);
    tf.dispose([p1, y, pc]);
    expect(() => createAuc({ threshold: 0.5 })).toThrow(UsageError);
  });
});
