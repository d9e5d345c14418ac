import { describe, expect, it } from 'vitest';
import { OOV_ID, PAD_ID, Vocabulary } from './vocabulary.js';

describe('Vocabulary', () => {
  it('keeps entries seen minCount times, most frequent first; the rest map to OOV', () => {
    const v = Vocabulary.fit(['b', 'a', 'b', 'c', 'a', 'b', 'd'], 2);
    expect(v.entries).toEqual(['b', 'a']);
    expect(v.size).toBe(4);
    expect(v.id('b')).toBe(2);
    expect(v.id('a')).toBe(3);
    expect(v.id('c')).toBe(OOV_ID);
    expect(v.id('never')).toBe(OOV_ID);
    expect(PAD_ID).toBe(0);
  });

  it('keeps extra entries (pretrained words) after the counted ones, once', () => {
    const v = Vocabulary.fit(['x', 'x', 'y'], 2, ['y', 'x', 'z']);
    expect(v.entries).toEqual(['x', 'y', 'z']);
  });
});
