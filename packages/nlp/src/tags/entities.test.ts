import { describe, expect, it } from 'vitest';
import { entities } from './entities.js';

describe('entities (seqeval default / conlleval chunking)', () => {
  it('seqeval README example', () => {
    expect(entities(['O', 'O', 'O', 'B-MISC', 'I-MISC', 'I-MISC', 'O'])).toEqual([{ type: 'MISC', start: 3, end: 5 }]);
    expect(entities(['B-PER', 'I-PER', 'O'])).toEqual([{ type: 'PER', start: 0, end: 1 }]);
  });

  it('an I- after O or another type starts an entity; a type change ends one', () => {
    expect(entities(['I-NP', 'I-NP', 'O'])).toEqual([{ type: 'NP', start: 0, end: 1 }]);
    expect(entities(['B-PER', 'I-LOC', 'I-LOC'])).toEqual([
      { type: 'PER', start: 0, end: 0 },
      { type: 'LOC', start: 1, end: 2 },
    ]);
    expect(entities(['O', 'I-PER', 'B-PER', 'I-PER'])).toEqual([
      { type: 'PER', start: 1, end: 1 },
      { type: 'PER', start: 2, end: 3 },
    ]);
  });

  it('IOBES', () => {
    expect(entities(['S-LOC', 'B-PER', 'I-PER', 'E-PER', 'S-PER', 'O'])).toEqual([
      { type: 'LOC', start: 0, end: 0 },
      { type: 'PER', start: 1, end: 3 },
      { type: 'PER', start: 4, end: 4 },
    ]);
  });

  it('no entities in all-O or empty tags', () => {
    expect(entities(['O', 'O'])).toEqual([]);
    expect(entities([])).toEqual([]);
  });
});
