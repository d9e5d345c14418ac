import { parseHistory } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { meanCosineMatrix, pairCosines } from './cosines.js';

const stepWith = (step: number, matrix: number[][] | null, tasks = ['a', 'b', 'c']) =>
  JSON.stringify({ type: 'step', step, epoch: 0, loss: 1, ...(matrix ? { cosines: { tasks, matrix } } : {}) });

describe('pair cosines', () => {
  const history = parseHistory(
    [
      stepWith(0, [
        [1, 0.5, -0.2],
        [0.5, 1, 0.1],
        [-0.2, 0.1, 1],
      ]),
      stepWith(1, null),
      stepWith(2, [
        [1, 0.3, 0.4],
        [0.3, 1, -0.3],
        [0.4, -0.3, 1],
      ]),
    ].join('\n'),
  );
  it('gives mean, min, max and the share of negative steps per pair', () => {
    const stats = pairCosines(history);
    expect(stats.map((p) => `${p.a}-${p.b}`)).toEqual(['a-b', 'a-c', 'b-c']);
    expect(stats[0]).toMatchObject({ min: 0.3, max: 0.5, negativeFraction: 0, samples: 2 });
    expect(stats[0]?.mean).toBeCloseTo(0.4);
    expect(stats[1]).toMatchObject({ min: -0.2, max: 0.4, negativeFraction: 0.5 });
    expect(stats[2]?.mean).toBeCloseTo(-0.1);
  });
  it('builds the symmetric mean matrix', () => {
    const { tasks, matrix } = meanCosineMatrix(history);
    expect(tasks).toEqual(['a', 'b', 'c']);
    expect(matrix[0]?.[0]).toBe(1);
    expect(matrix[2]?.[1]).toBeCloseTo(-0.1);
    expect(matrix[1]?.[2]).toBeCloseTo(-0.1);
  });
  it('is empty without cosines', () => {
    expect(pairCosines(parseHistory(stepWith(0, null)))).toEqual([]);
  });
});
