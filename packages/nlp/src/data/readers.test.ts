import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConll } from './conll.js';
import { readSnipsSplit } from './snips.js';

const SHARED = resolve(import.meta.dirname, '../../../../../shared/datasets');
const dir = mkdtempSync(join(tmpdir(), 'nlp-readers-'));
const KEYS = { intent: 'intent', slots: 'slots' };

function snipsFolder(name: string, seqIn: string, seqOut: string, label: string): string {
  const root = join(dir, name);
  mkdirSync(join(root, 'train'), { recursive: true });
  writeFileSync(join(root, 'train', 'seq.in'), seqIn);
  writeFileSync(join(root, 'train', 'seq.out'), seqOut);
  writeFileSync(join(root, 'train', 'label'), label);
  return root;
}

describe('readSnipsSplit', () => {
  it('splits on runs of whitespace (trailing and double spaces)', () => {
    const root = snipsFolder('ok', 'play  some jazz \nrate it\n', 'O O B-genre \nO O \n', 'PlayMusic\nRateBook\n');
    const s = readSnipsSplit(root, 'train', KEYS);
    expect(s).toHaveLength(2);
    expect(s[0]).toMatchObject({
      words: ['play', 'some', 'jazz'],
      tags: { slots: ['O', 'O', 'B-genre'] },
      classes: { intent: 'PlayMusic' },
      line: 1,
    });
  });

  it('a token/tag count mismatch names seq.out and the line', () => {
    const root = snipsFolder('bad', 'a b\nc d e\n', 'O O\nO O\n', 'X\nY\n');
    expect(() => readSnipsSplit(root, 'train', KEYS)).toThrow(`${join(root, 'train', 'seq.out')}, line 2: 2 tags for the 3 tokens`);
  });

  it('files of different lengths and a missing split are errors', () => {
    const root = snipsFolder('short', 'a\nb\n', 'O\nO\n', 'X\n');
    expect(() => readSnipsSplit(root, 'train', KEYS)).toThrow(/label, line 2: 1 lines, but .*seq.in has 2/);
    expect(() => readSnipsSplit(root, 'dev', KEYS)).toThrow(/dev: split folder not found/);
  });

  describe.skipIf(!existsSync(join(SHARED, 'snips')))('the SNIPS folder', () => {
    it('has the counts of its SOURCE.md', () => {
      const train = readSnipsSplit(join(SHARED, 'snips'), 'train', KEYS);
      expect(train).toHaveLength(13084);
      expect(train.reduce((n, s) => n + s.words.length, 0)).toBe(117700);
      expect(new Set(train.map((s) => s.classes.intent)).size).toBe(7);
    });
  });
});

describe('readConll', () => {
  it('skips -DOCSTART-, splits on blank lines, reads label columns (negative from the end)', () => {
    const file = join(dir, 'tiny.txt');
    writeFileSync(file, '-DOCSTART- -X- -X- O\n\nEU NNP B-NP B-ORG\nrejects VBZ B-VP O\n\n\nPeter NNP B-NP B-PER\n');
    const s = readConll(file, { ner: -1, pos: 1 });
    expect(s.map((x) => x.words)).toEqual([['EU', 'rejects'], ['Peter']]);
    expect(s[0]!.tags).toEqual({ ner: ['B-ORG', 'O'], pos: ['NNP', 'VBZ'] });
    expect(s[1]!.line).toBe(7);
  });

  it('a line with a different column count is an error naming it', () => {
    const file = join(dir, 'ragged.txt');
    writeFileSync(file, 'EU NNP B-NP B-ORG\nrejects O\n');
    expect(() => readConll(file, { ner: -1 })).toThrow(`${file}, line 2: 2 columns, expected 4`);
    expect(() => readConll(join(dir, 'nope.txt'), { ner: -1 })).toThrow(/nope.txt: file not found/);
  });

  describe.skipIf(!existsSync(join(SHARED, 'conll2003')))('CoNLL-2003', () => {
    it('has the sentence and token counts of its SOURCE.md', () => {
      const train = readConll(join(SHARED, 'conll2003', 'train.txt'), { ner: -1 });
      expect(train).toHaveLength(14041);
      expect(train.reduce((n, s) => n + s.words.length, 0)).toBe(203621);
    });
  });
});
