import { describe, expect, it } from 'vitest';
import { resolveClassMap } from './class-map.js';
import { segmentationMapOf } from './load.js';

const known = ['person', 'car', 'truck', 'bus', 'dog'];

describe('class subset and merge map', () => {
  it('defaults to every class, keeps a subset, merges groups', () => {
    expect(resolveClassMap(undefined, known, known).names).toEqual(known);
    const subset = resolveClassMap(['dog', 'person'], known, known);
    expect([subset.targetOf('dog'), subset.targetOf('person'), subset.targetOf('car')]).toEqual([0, 1, undefined]);
    const merged = resolveClassMap({ person: ['person'], vehicle: ['car', 'truck', 'bus'] }, known, known);
    expect(merged.names).toEqual(['person', 'vehicle']);
    expect(['car', 'truck', 'bus', 'dog'].map((n) => merged.targetOf(n))).toEqual([1, 1, 1, undefined]);
    const pixels = segmentationMapOf(merged);
    expect(pixels.names).toEqual(['background', 'person', 'vehicle']);
    expect([pixels.targetOf('person'), pixels.targetOf('bus'), pixels.targetOf('dog')]).toEqual([1, 2, undefined]);
  });

  it('an unknown class is an error with the closest name', () => {
    expect(() => resolveClassMap(['persn'], known, known)).toThrow('unknown class "persn"; did you mean "person"?');
    expect(() => resolveClassMap({ a: ['car'], b: ['car'] }, known, known)).toThrow('class "car" is mapped twice');
  });
});
