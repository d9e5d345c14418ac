import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { epochLine, parseHistory, RunFormatError, readHistory, stepLine } from './history-record.js';

const step = {
  type: 'step',
  step: 0,
  epoch: 0,
  loss: 1.2,
  lr: 0.001,
  'loss/income': 0.7,
  'loss/never_married': 0.5,
  'weight/income': 1,
  'weight/never_married': 1,
  cosines: {
    tasks: ['income', 'never_married'],
    matrix: [
      [1, 0.12],
      [0.12, 1],
    ],
  },
  gradNorm: 3.1,
};
const epoch = {
  type: 'epoch',
  epoch: 0,
  loss: 1.1,
  'loss/income': 0.6,
  'val/income/auc': 0.93,
  'val/income/logloss': 0.3,
  'val/loss/income': 0.31,
  'val/delta_m': 0.02,
};

describe('parseHistory', () => {
  it('reads step and epoch lines into per-task fields', () => {
    const h = parseHistory([JSON.stringify(step), '', JSON.stringify(epoch)].join('\n'));
    expect(h.tasks).toEqual(['income', 'never_married']);
    expect(h.steps).toHaveLength(1);
    const s = h.steps[0]!;
    expect(s).toMatchObject({ step: 0, epoch: 0, loss: 1.2, lr: 0.001, gradNorm: 3.1 });
    expect(s.losses).toEqual({ income: 0.7, never_married: 0.5 });
    expect(s.weights).toEqual({ income: 1, never_married: 1 });
    expect(s.cosines?.matrix[0]?.[1]).toBe(0.12);
    const e = h.epochs[0]!;
    expect(e.val).toEqual({ income: { auc: 0.93, logloss: 0.3 } });
    expect(e.valLosses).toEqual({ income: 0.31 });
    expect(e.deltaM).toBe(0.02);
    expect(e.losses).toEqual({ income: 0.6 });
    expect(h.warnings).toEqual([]);
  });

  it('reads JSON null (a NaN when written) as NaN and skips lines of other types', () => {
    const h = parseHistory(`${JSON.stringify({ ...step, 'loss/income': null })}\n{"type":"note","text":"hi"}\n`);
    expect(h.steps[0]?.losses.income).toBeNaN();
    expect(h.epochs).toHaveLength(0);
  });

  it('names file and line of a line that is not JSON', () => {
    const text = `${JSON.stringify(step)}\n{"type": "step", oops}\n${JSON.stringify(epoch)}\n`;
    expect(() => parseHistory(text, 'runs/a/history.jsonl')).toThrow(RunFormatError);
    expect(() => parseHistory(text, 'runs/a/history.jsonl')).toThrow(/^runs\/a\/history\.jsonl:2: not valid JSON/);
    try {
      parseHistory(text, 'h.jsonl');
    } catch (e) {
      expect(e).toMatchObject({ file: 'h.jsonl', line: 2 });
    }
  });

  it('names the line of a missing or mistyped field', () => {
    const noStep = JSON.stringify({ type: 'step', epoch: 0, loss: 1 });
    expect(() => parseHistory(`\n${noStep}\n`, 'h.jsonl')).toThrow('h.jsonl:2: step line has no "step"');
    const badLoss = JSON.stringify({ ...step, 'loss/income': 'high' });
    expect(() => parseHistory(badLoss, 'h.jsonl')).toThrow('h.jsonl:1: "loss/income" should be a number, got "high"');
    const badCos = JSON.stringify({ ...step, cosines: { tasks: ['a', 'b'], matrix: [[1]] } });
    expect(() => parseHistory(badCos, 'h.jsonl')).toThrow(/h\.jsonl:1: "cosines" "matrix" should have 2 rows/);
    expect(() => parseHistory('[1,2]', 'h.jsonl')).toThrow('h.jsonl:1: expected a JSON object per line');
    expect(() => parseHistory('{"step":1}', 'h.jsonl')).toThrow('h.jsonl:1: line has no "type"');
  });

  it('skips a half-written last line with a warning (the run is still training)', () => {
    const h = parseHistory(`${JSON.stringify(step)}\n{"type":"step","st`, 'h.jsonl');
    expect(h.steps).toHaveLength(1);
    expect(h.warnings).toEqual(['h.jsonl:2: skipped an unfinished last line (is the run still training?)']);
  });
});

describe('readHistory', () => {
  it('reads a file and says so clearly when it is missing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'report-history-'));
    try {
      const file = join(dir, 'history.jsonl');
      await writeFile(file, `${JSON.stringify(step)}\n`);
      expect((await readHistory(file)).steps).toHaveLength(1);
      await expect(readHistory(join(dir, 'nope.jsonl'))).rejects.toThrow(/nope\.jsonl: not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stepLine and epochLine write what parseHistory reads back', () => {
    const h = parseHistory([JSON.stringify(step), JSON.stringify(epoch)].join('\n'));
    const again = parseHistory([stepLine(h.steps[0]!), epochLine(h.epochs[0]!)].join('\n'));
    expect(again.steps).toEqual(h.steps);
    expect(again.epochs).toEqual(h.epochs);
    expect(JSON.parse(stepLine(h.steps[0]!))).toEqual(step);
    expect(JSON.parse(epochLine(h.epochs[0]!))).toEqual(epoch);
  });
});
