import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaggedSentence } from '../tasks/tagging.js';
import { createEntityMetric, createTagAccuracy, EntityCounts } from './entity-f1.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function score(gold: string[][], predicted: string[][]): Record<string, number> {
  const c = new EntityCounts();
  for (const [i, g] of gold.entries()) c.add(g, predicted[i]!);
  return c.result();
}

describe('entity precision / recall / F1 (seqeval default mode)', () => {
  it("seqeval's README example: f1 0.50, MISC 0, PER 1", () => {
    const r = score(
      [
        ['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'],
        ['B-PER', 'I-PER', 'O'],
      ],
      [
        ['O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'I-MISC', 'O'],
        ['B-PER', 'I-PER', 'O'],
      ],
    );
    expect(r).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, 'f1/MISC': 0, 'f1/PER': 1 });
  });

  it('an I- that starts an entity (IOB2 prediction without B-) matches in default mode', () => {
    expect(score([['B-NP', 'I-NP', 'O']], [['I-NP', 'I-NP', 'O']]).f1).toBe(1);
  });

  it('mixed types: a span with the wrong type counts as a false positive and a miss', () => {
    const r = score([['B-PER', 'I-PER', 'O', 'B-LOC']], [['B-ORG', 'I-ORG', 'O', 'B-LOC']]);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(0.5);
    expect(r['f1/ORG']).toBe(0);
    expect(r['f1/PER']).toBe(0);
    expect(r['f1/LOC']).toBe(1);
  });

  it('empty predictions: precision and F1 0 (zero_division), recall 0', () => {
    expect(score([['B-PER', 'O']], [['O', 'O']])).toEqual({ precision: 0, recall: 0, f1: 0, 'f1/PER': 0 });
  });

  it('IOBES tags are chunked like IOB2', () => {
    expect(score([['B-PER', 'E-PER', 'S-LOC']], [['B-PER', 'E-PER', 'S-ORG']])).toMatchObject({ precision: 0.5, recall: 0.5 });
  });

  it('hand case: 3 gold, 2 predicted, 1 right → P 1/2, R 1/3, F1 0.4', () => {
    const r = score([['B-A', 'O', 'B-B', 'I-B', 'B-A']], [['B-A', 'I-A', 'B-B', 'I-B', 'O']]);
    expect(r.precision).toBeCloseTo(0.5, 10);
    expect(r.recall).toBeCloseTo(1 / 3, 10);
    expect(r.f1).toBeCloseTo(0.4, 10);
  });

  it('the metric reads gold ids at real positions; an unseen gold tag (id beyond the trained ones) is a miss', () => {
    const names = ['B-PER', 'I-PER', 'O', 'B-NEW'];
    const m = createEntityMetric(undefined, { classNames: names });
    const decoded: TaggedSentence[] = [
      { tags: ['B-PER', 'I-PER', 'O'], scores: [1, 1, 1] },
      { tags: ['O'], scores: [1] },
    ];
    m.update({
      predictions: tf.zeros([2, 3, 3]),
      labels: tf.tensor2d([0, 1, 2, 3, -1, -1], [2, 3], 'int32'),
      positionMask: tf.tensor2d([1, 1, 1, 1, 0, 0], [2, 3]),
      decoded: () => decoded,
    });
    expect(m.result()).toMatchObject({ precision: 1, recall: 0.5, 'f1/PER': 1, 'f1/NEW': 0 });
  });

  it('tag accuracy counts real tokens only', () => {
    const m = createTagAccuracy(undefined, { classNames: ['NN', 'VB'] });
    m.update({
      predictions: tf.zeros([1, 3, 2]),
      labels: tf.tensor2d([0, 1, -1], [1, 3], 'int32'),
      positionMask: tf.tensor2d([1, 1, 0], [1, 3]),
      decoded: () => [{ tags: ['NN', 'NN'], scores: [1, 1] }],
    });
    expect(m.result()).toBe(0.5);
  });
});
