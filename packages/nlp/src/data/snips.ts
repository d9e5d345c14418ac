import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '@polytask/core';
import type { LabelledSentence } from './sentence.js';

/** Label keys of the SNIPS/ATIS folder format: the intent of each utterance and its slot tags. */
export interface SnipsKeys {
  readonly intent: string;
  readonly slots: string;
}

function readLines(file: string): string[] {
  if (!existsSync(file)) throw new DataError(file, undefined, undefined, 'file not found');
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  return lines;
}

/**
 * One split of the SNIPS/ATIS folder format: `DIR/<split>/{seq.in, seq.out, label}`, line-aligned (utterance,
 * one BIO tag per token, intent). Tokens are split on runs of whitespace (the files have trailing and double spaces).
 * A line whose word and tag counts differ, or files of different lengths, are DataErrors naming file and line.
 */
export function readSnipsSplit(dir: string, split: string, keys: SnipsKeys): LabelledSentence[] {
  const folder = join(dir, split);
  if (!existsSync(folder))
    throw new DataError(folder, undefined, undefined, `split folder not found (expected ${split}/seq.in, seq.out, label)`);
  const inFile = join(folder, 'seq.in');
  const outFile = join(folder, 'seq.out');
  const labelFile = join(folder, 'label');
  const words = readLines(inFile);
  const tags = readLines(outFile);
  const labels = readLines(labelFile);
  for (const [file, lines] of [
    [outFile, tags],
    [labelFile, labels],
  ] as const) {
    if (lines.length !== words.length) {
      throw new DataError(
        file,
        Math.min(lines.length, words.length) + 1,
        undefined,
        `${lines.length} lines, but ${inFile} has ${words.length}`,
      );
    }
  }
  return words.map((line, i) => {
    const w = line.trim().split(/\s+/).filter(Boolean);
    const t = tags[i]!.trim().split(/\s+/).filter(Boolean);
    if (w.length === 0) throw new DataError(inFile, i + 1, undefined, 'empty utterance');
    if (w.length !== t.length)
      throw new DataError(outFile, i + 1, undefined, `${t.length} tags for the ${w.length} tokens of ${inFile} line ${i + 1}`);
    const intent = labels[i]!.trim();
    if (intent.length === 0) throw new DataError(labelFile, i + 1, undefined, 'empty intent label');
    return { words: w, tags: { [keys.slots]: t }, classes: { [keys.intent]: intent }, file: inFile, line: i + 1 };
  });
}
