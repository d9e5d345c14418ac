import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { UsageError } from '../util/errors.js';
import {
  argmaxRow,
  binaryLabel,
  classLabel,
  Float32Buffer,
  included,
  parseOptions,
  readClassification,
  readMask,
  readPerSample,
} from './common.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('metric helpers', () => {
  it('parseOptions applies defaults and reports bad options as a one-line UsageError', () => {
    const schema = z.strictObject({ threshold: z.number().min(0).max(1).default(0.5) });
    expect(parseOptions('m', schema, undefined)).toEqual({ threshold: 0.5 });
    expect(() => parseOptions('m', schema, { threshold: 2 })).toThrow(UsageError);
    expect(() => parseOptions('m', schema, { treshold: 0.2 })).toThrow(/metric "m": invalid options/);
  });

  it('reads binary and multiclass predictions and rejects other shapes', () => {
    const b = tf.tensor1d([0.1, 0.9]);
    const b1 = tf.tensor2d([[0.1], [0.9]]);
    const mc = tf.tensor2d([
      [0.1, 0.9],
      [0.8, 0.2],
    ]);
    const bad = tf.zeros([2, 2, 2]);
    expect(readClassification('m', b).kind).toBe('binary');
    expect(readClassification('m', b1).kind).toBe('binary');
    expect(readClassification('m', mc)).toMatchObject({ kind: 'multiclass', n: 2, classes: 2 });
    expect(() => readClassification('m', bad)).toThrow(/expected probabilities/);
    expect(() => readClassification('m', tf.scalar(1))).toThrow(/batch dimension/);
    tf.dispose([b, b1, mc, bad]);
  });

  it('checks per-sample tensor sizes and reads the mask', () => {
    const y = tf.tensor2d([[1], [0]]);
    expect(Array.from(readPerSample('m', 'labels', y, 2))).toEqual([1, 0]);
    expect(() => readPerSample('m', 'labels', y, 3)).toThrow(/labels must have shape \[3\]/);
    expect(readMask('m', undefined, 2)).toBeUndefined();
    const mask = tf.tensor1d([1, 0]);
    const m = readMask('m', mask, 2);
    expect([included(m, 0), included(m, 1), included(undefined, 1)]).toEqual([true, false, true]);
    tf.dispose([y, mask]);
  });

  it('classifies labels: padding, valid, invalid', () => {
    expect([binaryLabel('m', 0), binaryLabel('m', 1), binaryLabel('m', -1), binaryLabel('m', Number.NaN)]).toEqual([
      0,
      1,
      undefined,
      undefined,
    ]);
    expect(() => binaryLabel('m', 0.5)).toThrow(/must be 0 or 1/);
    expect([classLabel('m', 2, 3), classLabel('m', -100, 3)]).toEqual([2, undefined]);
    expect(() => classLabel('m', 3, 3)).toThrow(/\[0, 3\)/);
    expect(() => classLabel('m', 1.5, 3)).toThrow(/integers/);
  });

  it('argmaxRow takes the first maximum', () => {
    expect(argmaxRow([0.2, 0.5, 0.3, 0.4, 0.4, 0.2], 0, 3)).toBe(1);
    expect(argmaxRow([0.2, 0.5, 0.3, 0.4, 0.4, 0.2], 1, 3)).toBe(0);
  });

  it('Float32Buffer grows past its initial capacity', () => {
    const buf = new Float32Buffer();
    for (let i = 0; i < 3000; i++) buf.push(i);
    expect(buf.length).toBe(3000);
    expect(buf.view()[2999]).toBe(2999);
    buf.clear();
    expect(buf.length).toBe(0);
  });
});
