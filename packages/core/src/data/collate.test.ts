import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { collateSamples } from './collate.js';
import { disposeBatch } from './dataset.js';
import { raggedRow } from './ragged.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const i32 = (...v: number[]) => Int32Array.from(v);

describe('collateSamples', () => {
  it('pads to the batch’s longest sample: inputs with 0, int labels with -1, and marks the real positions', () => {
    const b = collateSamples([
      { inputs: { t: { data: i32(5, 6, 7), shape: [3] } }, labels: { tags: { data: i32(1, 2, 0), shape: [3] } } },
      { inputs: { t: { data: i32(8), shape: [1] } }, labels: { tags: { data: i32(2), shape: [1] } } },
    ]);
    expect(b.inputs.t!.arraySync()).toEqual([
      [5, 6, 7],
      [8, 0, 0],
    ]);
    expect(b.labels.tags!.arraySync()).toEqual([
      [1, 2, 0],
      [2, -1, -1],
    ]);
    expect(b.positionMasks!.tags!.arraySync()).toEqual([
      [1, 1, 1],
      [1, 0, 0],
    ]);
    expect(b.masks.tags).toBeUndefined(); // both samples carry tags
    disposeBatch(b);
  });

  it('pads 2-D labels in both dimensions (pixel masks of different sizes)', () => {
    const b = collateSamples([
      { inputs: { x: { data: Float32Array.of(1), shape: [] } }, labels: { seg: { data: i32(1, 2, 3, 4), shape: [2, 2] } } },
      { inputs: { x: { data: Float32Array.of(2), shape: [] } }, labels: { seg: { data: i32(9, 8, 7), shape: [1, 3] } } },
    ]);
    expect(b.labels.seg!.arraySync()).toEqual([
      [
        [1, 2, -1],
        [3, 4, -1],
      ],
      [
        [9, 8, 7],
        [-1, -1, -1],
      ],
    ]);
    expect(b.positionMasks!.seg!.sum().dataSync()[0]).toBe(7);
    disposeBatch(b);
  });

  it('a sample without a task’s label gets mask 0; ragged targets keep every sample’s items', () => {
    const b = collateSamples([
      {
        inputs: { x: { data: Float32Array.of(1), shape: [] } },
        labels: { y: { data: Float32Array.of(1), shape: [] } },
        ragged: {
          det: { boxes: { data: Float32Array.of(0, 0, 1, 1, 2, 2, 3, 3), shape: [2, 4] }, classes: { data: i32(4, 5), shape: [2] } },
        },
      },
      {
        inputs: { x: { data: Float32Array.of(2), shape: [] } },
        ragged: { det: { boxes: { data: new Float32Array(0), shape: [0, 4] }, classes: { data: i32(), shape: [0] } } },
      },
    ]);
    expect(Array.from(b.masks.y!.dataSync())).toEqual([1, 0]);
    const boxes = b.ragged!.det!.boxes!;
    expect(Array.from(boxes.offsets)).toEqual([0, 2, 2]);
    expect(boxes.itemShape).toEqual([4]);
    expect(Array.from(raggedRow(boxes, 0))).toEqual([0, 0, 1, 1, 2, 2, 3, 3]);
    expect(Array.from(raggedRow(b.ragged!.det!.classes!, 1))).toEqual([]);
    disposeBatch(b);
  });
});
