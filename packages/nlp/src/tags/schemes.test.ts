import { describe, expect, it } from 'vitest';
import { allowedTransition, convertTags, toIob2 } from './schemes.js';

// "U.N. official Ekeus heads for Baghdad" style sentence with two adjacent LOC entities.
const IOB1 = ['I-ORG', 'O', 'I-PER', 'I-PER', 'O', 'I-LOC', 'B-LOC', 'O'];
const IOB2 = ['B-ORG', 'O', 'B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'O'];
const IOBES = ['S-ORG', 'O', 'B-PER', 'E-PER', 'O', 'S-LOC', 'S-LOC', 'O'];

describe('tag schemes', () => {
  it('IOB1 → IOB2: an I- that does not continue its type starts an entity', () => {
    expect(toIob2(IOB1, 'iob1')).toEqual(IOB2);
  });

  it('IOB2 ↔ IOBES ↔ IOB1 round trips', () => {
    expect(convertTags(IOB2, 'iob2', 'iobes')).toEqual(IOBES);
    expect(convertTags(IOBES, 'iobes', 'iob2')).toEqual(IOB2);
    expect(convertTags(IOB2, 'iob2', 'iob1')).toEqual(IOB1);
    expect(convertTags(IOBES, 'iobes', 'iob1')).toEqual(IOB1);
    expect(convertTags(['B-X', 'I-X', 'I-X'], 'iob2', 'iobes')).toEqual(['B-X', 'I-X', 'E-X']);
  });

  it('plain labels (none) are never converted', () => {
    expect(convertTags(['NN', 'VBZ'], 'none', 'iobes')).toEqual(['NN', 'VBZ']);
  });

  it('forbidden moves', () => {
    expect(allowedTransition(undefined, 'I-PER', 'iob2')).toBe(false);
    expect(allowedTransition('O', 'I-PER', 'iob2')).toBe(false);
    expect(allowedTransition('B-LOC', 'I-PER', 'iob2')).toBe(false);
    expect(allowedTransition('B-PER', 'I-PER', 'iob2')).toBe(true);
    expect(allowedTransition('I-PER', 'B-PER', 'iob2')).toBe(true);
    expect(allowedTransition('B-PER', 'O', 'iobes')).toBe(false);
    expect(allowedTransition('B-PER', undefined, 'iobes')).toBe(false);
    expect(allowedTransition('B-PER', 'E-PER', 'iobes')).toBe(true);
    expect(allowedTransition('S-PER', 'B-PER', 'iobes')).toBe(true);
    expect(allowedTransition('O', 'E-PER', 'iobes')).toBe(false);
    expect(allowedTransition('O', 'B-PER', 'iob1')).toBe(false);
    expect(allowedTransition('I-PER', 'B-PER', 'iob1')).toBe(true);
  });
});
