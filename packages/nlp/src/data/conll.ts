import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '@polytask/core';
import type { LabelledSentence } from './sentence.js';

/**
 * CoNLL column files (`word POS chunk NER`, one token per line): blank lines end sentences, `-DOCSTART-` lines
 * separate documents and are skipped. `columns` maps label keys to 0-based column indexes (negative: from the end,
 * so -1 is the NER column); every token line must have the column count of the first.
 */
export function readConll(file: string, columns: Readonly<Record<string, number>>): LabelledSentence[] {
  if (!existsSync(file)) throw new DataError(file, undefined, undefined, 'file not found');
  const lines = readFileSync(file, 'utf8').split('\n');
  const sentences: LabelledSentence[] = [];
  let width = 0;
  let words: string[] = [];
  let tags: Record<string, string[]> = {};
  let first = 0;
  const flush = () => {
    if (words.length > 0) sentences.push({ words, tags, classes: {}, file, line: first });
    words = [];
    tags = Object.fromEntries(Object.keys(columns).map((k) => [k, []]));
  };
  flush();
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    const cells = line.split(/\s+/);
    if (line.length === 0 || cells[0] === '-DOCSTART-') {
      flush();
      continue;
    }
    if (width === 0) {
      width = cells.length;
      for (const [key, c] of Object.entries(columns)) {
        if ((c >= 0 ? c : width + c) <= 0 || (c >= 0 ? c : width + c) >= width) {
          throw new DataError(file, i + 1, key, `column ${c} is not a label column of a ${width}-column file (0 is the word)`);
        }
      }
    }
    if (cells.length !== width)
      throw new DataError(file, i + 1, undefined, `${cells.length} columns, expected ${width} as on the first token line`);
    if (words.length === 0) first = i + 1;
    words.push(cells[0]!);
    for (const [key, c] of Object.entries(columns)) tags[key]!.push(cells[c >= 0 ? c : width + c]!);
  }
  flush();
  return sentences;
}
