import { readFileSync } from 'node:fs';
import { DataError } from '@polytask/core';

/** One numeric column of a CSV file with a header; a cell that is not a number is a DataError naming file and line. */
export function readSeries(file: string, column: string): Float32Array {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot read (${(e as Error).message})`);
  }
  const [header = '', ...rows] = text.trimEnd().split('\n');
  const index = header.split(',').indexOf(column);
  if (index < 0) throw new DataError(file, 1, column, `no such column (the header has: ${header})`);
  return Float32Array.from(rows, (row, i) => {
    const cell = row.split(',')[index];
    const value = Number(cell);
    if (cell === undefined || cell.trim() === '' || !Number.isFinite(value)) {
      throw new DataError(file, i + 2, column, `not a number: "${cell ?? ''}"`);
    }
    return value;
  });
}

/** Supervised samples of a series: the `window` values before step t, the value at t, and whether it went up. */
export interface Windows {
  readonly count: number;
  /** [count × window], row i = values[i … i+window-1]. */
  readonly history: Float32Array;
  /** values[i+window]: the one-step-ahead target. */
  readonly next: Float32Array;
  /** 1 when next > the last value of the history (the auxiliary task), else 0. */
  readonly up: Float32Array;
}

export function slidingWindows(values: Float32Array, window: number): Windows {
  const count = Math.max(0, values.length - window);
  const history = new Float32Array(count * window);
  const next = new Float32Array(count);
  const up = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    history.set(values.subarray(i, i + window), i * window);
    next[i] = values[i + window]!;
    up[i] = values[i + window]! > values[i + window - 1]! ? 1 : 0;
  }
  return { count, history, next, up };
}
