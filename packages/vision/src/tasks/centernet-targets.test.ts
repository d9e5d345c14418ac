import { raggedFromRows } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { centerNetTargets, gaussianRadius } from './centernet-targets.js';

describe('CenterNet targets', () => {
  it('puts a peak of 1 at the centre cell with the offset and log size, Gaussian around it', () => {
    // a 16×16 map, one box covering cells 4..8 × 2..10 → centre (6, 6) exactly, size 4 × 8
    const ragged = {
      boxes: raggedFromRows([[4 / 16, 2 / 16, 8 / 16, 10 / 16]], [4], 'float32'),
      classes: raggedFromRows([[1]], [], 'int32'),
    };
    const t = centerNetTargets(ragged, 1, 16, 16, 2);
    expect(t.count).toBe(1);
    const cell = 6 * 16 + 6;
    expect(t.heatmap[cell * 2 + 1]).toBe(1);
    expect(t.heatmap[cell * 2]).toBe(0);
    expect(t.peaks.reduce((a, b) => a + b, 0)).toBe(1);
    expect(Array.from(t.regression.subarray(cell * 4, cell * 4 + 4))).toEqual([0, 0, Math.fround(Math.log(4)), Math.fround(Math.log(8))]);
    expect(t.centres[cell]).toBe(1);
    const r = Math.floor(gaussianRadius(8, 4));
    expect(r).toBeGreaterThanOrEqual(1);
    const sigma = (2 * r + 1) / 6;
    expect(t.heatmap[(cell + 1) * 2 + 1]).toBeCloseTo(Math.exp(-1 / (2 * sigma * sigma)), 6);
  });

  it('draws nothing for crowd boxes and masked samples', () => {
    const ragged = {
      boxes: raggedFromRows(
        [
          [0, 0, 0.5, 0.5],
          [0, 0, 0.5, 0.5],
        ],
        [4],
        'float32',
      ),
      classes: raggedFromRows([[0], [0]], [], 'int32'),
      crowd: raggedFromRows([[1], [0]], [], 'int32'),
    };
    expect(centerNetTargets(ragged, 2, 8, 8, 1).count).toBe(1);
    expect(centerNetTargets(ragged, 2, 8, 8, 1, [1, 0]).count).toBe(0);
  });
});
