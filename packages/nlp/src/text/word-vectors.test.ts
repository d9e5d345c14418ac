import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readWordVectors } from './word-vectors.js';

const dir = mkdtempSync(join(tmpdir(), 'vectors-'));

describe('readWordVectors', () => {
  it('reads GloVe lines, and word2vec text after its header', () => {
    const glove = join(dir, 'glove.txt');
    writeFileSync(glove, 'the 0.1 0.2 0.3\nplay -1 0 2.5\n');
    const g = readWordVectors(glove);
    expect(g.dim).toBe(3);
    expect(Array.from(g.vectors.get('play')!)).toEqual([-1, 0, 2.5]);
    const w2v = join(dir, 'w2v.txt');
    writeFileSync(w2v, '2 2\nsong 1 2\nmusic 3 4\n');
    const w = readWordVectors(w2v, (word) => word === 'music');
    expect(w.dim).toBe(2);
    expect([...w.vectors.keys()]).toEqual(['music']);
  });

  it('a line of the wrong dimension is an error naming file and line', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'a 1 2\nb 1\n');
    expect(() => readWordVectors(bad)).toThrow(`${bad}, line 2: expected a word and 2 numbers, found 1 values`);
  });
});
