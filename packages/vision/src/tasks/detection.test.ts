import { createTask, raggedFromRows } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import '../register.js';
import { DetectionOptions, decodeDetections, giouLoss } from './detection.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const options = DetectionOptions.parse({});

describe('CenterNet detection', () => {
  it('GIoU loss: 0 for the same box, 1 − IoU + hull slack otherwise', () => {
    const a = tf.tensor2d([
      [0, 0, 2, 2],
      [0, 0, 1, 1],
      [0, 0, 2, 2],
    ]);
    const b = tf.tensor2d([
      [0, 0, 2, 2],
      [2, 0, 3, 1], // disjoint: IoU 0, hull 3, union 2 → GIoU −1/3
      [1, 1, 3, 3], // IoU 1/7, hull 9, union 7 → GIoU 1/7 − 2/9
    ]);
    const loss = giouLoss(a, b).dataSync();
    expect(loss[0]).toBeCloseTo(0, 5);
    expect(loss[1]).toBeCloseTo(4 / 3, 5);
    expect(loss[2]).toBeCloseTo(1 - (1 / 7 - 2 / 9), 5);
    tf.dispose([a, b]);
  });

  it('decodes a hand-made map: peaks, offsets and sizes to normalised boxes, NMS and the score threshold', () => {
    // 4×4 cells, 2 classes; class 1 peaks at cell (x 1, y 2) with a weaker neighbour (not a local maximum)
    const c = 2;
    const map = new Float32Array(4 * 4 * (c + 4));
    const at = (x: number, y: number) => (y * 4 + x) * (c + 4);
    map[at(1, 2) + 1] = 0.9;
    map[at(2, 2) + 1] = 0.5;
    map.set([0.5, 0.5, Math.log(2), Math.log(1)], at(1, 2) + c); // centre (1.5, 2.5), 2 × 1 cells
    map[at(3, 0)] = 0.04; // below the 0.05 score threshold
    const predictions = tf.tensor4d(map, [1, 4, 4, c + 4]);
    const [found] = decodeDetections(predictions, c, options);
    expect(found).toEqual([{ box: [0.5 / 4, 2 / 4, 2.5 / 4, 3 / 4], classId: 1, score: 0.9 }]);
    predictions.dispose();
  });

  it('trains on ragged boxes with L1 and GIoU, skipping samples without detection labels', () => {
    const task = createTask({ name: 'detection', type: 'detection', classes: 2, boxLoss: 'l1+giou' });
    const out = tf.variable(tf.randomNormal([2, 8, 8, 6], 0, 0.1, 'float32', 3));
    const ragged = {
      boxes: raggedFromRows(
        [
          [0.1, 0.1, 0.5, 0.6],
          [0.2, 0.2, 0.4, 0.4],
        ],
        [4],
        'float32',
      ),
      classes: raggedFromRows([[1], [0]], [], 'int32'),
    };
    const mask = tf.tensor1d([1, 0]);
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(() => task.loss!(out, { ragged, mask, size: 2 }), [out]);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const g = grads[out.name]!;
    // the masked sample gets no gradient at all
    const largest = (sample: number) => tf.tidy(() => tf.max(tf.abs(g.slice([sample, 0, 0, 0], [1, 8, 8, 6]))).dataSync()[0]!);
    expect(largest(1)).toBe(0);
    expect(largest(0)).toBeGreaterThan(0);
    tf.dispose([value, g]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([out, mask]);
  });
});
