import { describe, expect, it } from 'vitest';
import { closest, didYouMean, editDistance } from './did-you-mean.js';

describe('did you mean', () => {
  it('counts edits, a swap of neighbours as one', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('PCGard', 'PCGrad')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });

  it('suggests the nearest close candidate, ignoring case, and nothing far away', () => {
    expect(closest('epoch', ['epochs', 'batchSize'])).toBe('epochs');
    expect(closest('sharedExpert', ['sharedExperts', 'taskExperts', 'levels'])).toBe('sharedExperts');
    expect(closest('pcgrad', ['PCGrad', 'EW'])).toBe('PCGrad');
    expect(closest('bogusKey', ['seed', 'data', 'tasks', 'model', 'train'])).toBeUndefined();
    expect(didYouMean('PCGard', ['EW', 'PCGrad'])).toBe('; did you mean "PCGrad"?');
    expect(didYouMean('zzz', ['a', 'b'])).toBe('; known: a, b');
  });
});
