import { describe, expect, it } from 'vitest';
import { tokenize } from './tokenize.js';

describe('tokenize', () => {
  it('whitespace: runs of spaces, tabs and a trailing space give no empty tokens; offsets index the raw text', () => {
    const text = '  play  the\tsong ';
    const tokens = tokenize(text, 'whitespace');
    expect(tokens.map((t) => t.text)).toEqual(['play', 'the', 'song']);
    expect(tokens.map((t) => [t.start, t.end])).toEqual([
      [2, 6],
      [8, 11],
      [12, 16],
    ]);
  });

  it('word-punct (natural): punctuation apart, offsets exact with repeated spaces', () => {
    const text = 'Peter  Blackburn, of U.S.A.!';
    const tokens = tokenize(text, 'word-punct');
    expect(tokens.map((t) => t.text)).toEqual(['Peter', 'Blackburn', ',', 'of', 'U', '.', 'S', '.', 'A', '.', '!']);
    for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
  });

  it('keeps non-ASCII words whole', () => {
    const tokens = tokenize('find playstation官方杂志  a song', 'whitespace');
    expect(tokens[1]).toEqual({ text: 'playstation官方杂志', start: 5, end: 20 });
  });
});
