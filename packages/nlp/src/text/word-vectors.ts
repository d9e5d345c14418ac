import { readFileSync } from 'node:fs';
import { DataError } from '@polytask/core';

/** Pretrained word vectors: each word's row of `dim` values. */
export interface WordVectors {
  readonly dim: number;
  readonly vectors: Map<string, Float32Array>;
}

/**
 * Reads a GloVe (`word v1 … vd` per line) or word2vec text file (the same, after a `count dim` header line). Every
 * line must have the dimension of the first; a bad line is a DataError naming it. `keep` limits the words read (the
 * training vocabulary), which keeps a large file's memory small.
 */
export function readWordVectors(file: string, keep?: (word: string) => boolean): WordVectors {
  const lines = readFileSync(file, 'utf8').split('\n');
  const vectors = new Map<string, Float32Array>();
  let dim = 0;
  lines.forEach((raw, i) => {
    const line = raw.trimEnd();
    if (line.length === 0) return;
    const parts = line.split(' ');
    if (i === 0 && parts.length === 2 && /^\d+$/.test(parts[0]!) && /^\d+$/.test(parts[1]!)) return; // word2vec header
    const word = parts[0]!;
    const values = parts.slice(1);
    if (dim === 0) dim = values.length;
    if (values.length !== dim || dim === 0) {
      throw new DataError(file, i + 1, undefined, `expected a word and ${dim || 'some'} numbers, found ${values.length} values`);
    }
    if (keep && !keep(word)) return;
    const v = Float32Array.from(values, Number);
    if (v.some((x) => !Number.isFinite(x))) throw new DataError(file, i + 1, undefined, `not a number in the vector of "${word}"`);
    vectors.set(word, v);
  });
  if (dim === 0) throw new DataError(file, undefined, undefined, 'no word vectors in the file');
  return { dim, vectors };
}
