import { DataError } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { predictLines } from './predict-lines.js';

async function* from(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

/** Doubles `x`; a record whose `x` is not a number is a DataError, as a domain's encoder would throw. */
function doubling(calls: number[]) {
  return (records: unknown[], lines: readonly number[]) => {
    calls.push(records.length);
    return records.map((r, i) => {
      const x = (r as { x?: unknown }).x;
      if (typeof x !== 'number') throw new DataError(`in.jsonl:${lines[i]}`, undefined, 'x', 'not a number');
      return { y: 2 * x };
    });
  };
}

describe('predictLines', () => {
  it('answers every non-blank line in order: predictions, and error records for bad lines', async () => {
    const out: string[] = [];
    const calls: number[] = [];
    const summary = await predictLines(
      from(['{"id": "a", "x": 1}', '', '{"id": "b", "x": "?"}', '{"x": 3', '{"id": 7, "x": 4}']),
      doubling(calls),
      { input: 'in.jsonl', idField: 'id', write: (l) => out.push(l) },
    );
    expect(summary).toEqual({ predicted: 2, failed: 2 });
    expect(
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([
      { id: 'a', y: 2 },
      { id: 'b', line: 3, error: 'in.jsonl:3, field "x": not a number' },
      { line: 4, error: expect.stringMatching(/^in\.jsonl, line 4: not valid JSON/) },
      { id: 7, y: 8 },
    ]);
    // one batch try, then record by record to find the bad one, then the good ones together
    expect(calls).toEqual([3, 1, 1, 1, 2]);
  });

  it('predicts in batches of batchSize', async () => {
    const out: string[] = [];
    const calls: number[] = [];
    const lines = Array.from({ length: 5 }, (_, i) => JSON.stringify({ x: i }));
    await predictLines(from(lines), doubling(calls), { input: 'in', idField: 'id', batchSize: 2, write: (l) => out.push(l) });
    expect(calls).toEqual([2, 2, 1]);
    expect(
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).y),
    ).toEqual([0, 2, 4, 6, 8]);
  });

  it('reads non-JSON lines through parseLine (raw text), with an async predictor; a line parseLine rejects is an error record', async () => {
    const out: string[] = [];
    const parseLine = (line: string) => {
      if (line.startsWith('!')) throw new Error('a sentence cannot start with "!"');
      return { text: line };
    };
    const predict = async (records: unknown[]) => records.map((r) => ({ words: (r as { text: string }).text.split(' ').length }));
    const summary = await predictLines(['two words', '!bad', 'one'], predict, {
      input: 'in.txt',
      idField: 'id',
      parseLine,
      write: (l) => out.push(l),
    });
    expect(summary).toEqual({ predicted: 2, failed: 1 });
    expect(
      out
        .join('')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
    ).toEqual([{ words: 2 }, { line: 2, error: 'in.txt, line 2: a sentence cannot start with "!"' }, { words: 1 }]);
  });
});
