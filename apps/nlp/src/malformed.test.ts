// A hostile but fair user: malformed configs, data files and predict lines. Each case asserts the exit code, one error
// line naming the file / line / field, and no stack trace.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CapturedRun } from '@polytask/cli';
import { beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { cli } from '../test/run-cli.js';
import { toyConll, toySnips, utterance, writeSnipsSplit } from '../test/toy-data.js';

const work = mkdtempSync(join(tmpdir(), 'nlp-malformed-'));

/** The one error line of a failed run; asserts there is exactly one and no stack trace. */
function errorLine(run: CapturedRun): string {
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('polytask-nlp: error: '));
  expect(lines, run.stderr).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return lines[0]!;
}

// biome-ignore lint/suspicious/noExplicitAny: each case edits the config freely, field by field, as a user would
type Config = Record<string, any>;

function snipsConfig(root: string): Config {
  return {
    seed: 1,
    data: { format: 'snips', root },
    tasks: [
      { name: 'intent', type: 'sentence-classification', head: { type: 'sentence', options: {} } },
      { name: 'slots', type: 'token-softmax', head: { type: 'token', options: {} } },
    ],
    model: { trunk: { type: 'text-cnn', options: { wordDim: 8, charFilters: 4, width: 8, dilations: [1] } } },
    train: { epochs: 1, batchSize: 16, gradientCosineEvery: 0 },
  };
}

function write(name: string, config: Config): string {
  const file = join(work, `${name}.yaml`);
  writeFileSync(file, stringify(config));
  return file;
}

const good = join(work, 'good');
beforeAll(() => {
  toySnips(good);
});

describe('polytask-nlp refuses malformed input', () => {
  it('a bad config field: exit 2 naming data.format', async () => {
    const c = snipsConfig(good);
    c.data.format = 'xml';
    const file = write('bad-format', c);
    const run = await cli('train', '--config', file, '--out', join(work, 'o1'));
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(new RegExp(`${file}: field "data.format"`));
  });

  it('an unknown trunk option: exit 2 naming it', async () => {
    const c = snipsConfig(good);
    c.model.trunk.options.hiden = 3;
    const run = await cli('train', '--config', write('bad-trunk', c), '--out', join(work, 'o2'));
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(/hiden/);
  });

  it('a task whose labels the data lacks: exit 2', async () => {
    const c = snipsConfig(good);
    c.tasks.push({ name: 'ner', type: 'token-crf' });
    const run = await cli('train', '--config', write('no-ner', c), '--out', join(work, 'o3'));
    expect(run.code).toBe(2);
    expect(errorLine(run)).toMatch(/task "ner" needs per-token tags "ner", but the data has slots/);
  });

  it('seq.in and seq.out disagree on a line: exit 1 naming seq.out and the line', async () => {
    const root = join(work, 'mismatch');
    toySnips(root);
    const rows = Array.from({ length: 20 }, (_, i) => utterance(i));
    writeSnipsSplit(root, 'train', rows, {
      'seq.out': (t) =>
        t
          .split('\n')
          .map((l, i) => (i === 6 ? `O ${l}` : l))
          .join('\n'),
    });
    const run = await cli('train', '--config', write('mismatch', snipsConfig(root)), '--out', join(work, 'o4'));
    expect(run.code).toBe(1);
    const n = rows[6]!.words.length;
    expect(errorLine(run)).toContain(`${join(root, 'train', 'seq.out')}, line 7: ${n + 1} tags for the ${n} tokens`);
  });

  it('a missing split: exit 1 naming the file (CoNLL) or folder (SNIPS)', async () => {
    const conll = join(work, 'conll-missing');
    mkdirSync(conll, { recursive: true });
    writeFileSync(join(conll, 'train.txt'), toyConll(10));
    const c: Config = {
      ...snipsConfig(conll),
      data: { format: 'conll', root: conll },
      tasks: [{ name: 'ner', type: 'token-crf', head: { type: 'token', options: {} } }],
    };
    const run = await cli('train', '--config', write('conll-missing', c), '--out', join(work, 'o5'));
    expect(run.code).toBe(1);
    expect(errorLine(run)).toContain(`${join(conll, 'valid.txt')}: file not found`);
    const snips = join(work, 'snips-missing');
    toySnips(snips);
    rmSync(join(snips, 'dev'), { recursive: true });
    const run2 = await cli('train', '--config', write('snips-missing', snipsConfig(snips)), '--out', join(work, 'o6'));
    expect(run2.code).toBe(1);
    expect(errorLine(run2)).toContain(`${join(snips, 'dev')}: split folder not found`);
  });

  it('bad predict lines get error records (line and reason); the others are predicted; exit 1', async () => {
    const out = join(work, 'model');
    const train = await cli('train', '--config', write('ok', snipsConfig(good)), '--out', out);
    expect(train.code, train.stderr).toBe(0);
    const input = join(work, 'predict.txt');
    writeFileSync(input, 'weather in paris\n{"txt": "play yellow"}\n   \t \n{"text": "  "}\nplay halo\n');
    const run = await cli('predict', '--model', out, '--input', input);
    expect(run.code).toBe(1);
    const rows = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(4);
    expect(rows[0]!.text).toBe('weather in paris');
    expect(rows[1]).toEqual({ line: 2, error: `${input}, line 2: a JSON line needs a "text" string field` });
    expect(rows[2]).toEqual({ line: 4, error: `${input}:4, field "text": no tokens in the text` });
    expect(rows[3]!.text).toBe('play halo');
    expect(errorLine(run)).toMatch(/2 of 4 input lines failed/);
  });
});
