import { describe, expect, it } from 'vitest';
import { canonicalJson, configDifferences, runIdentity, sameRun } from './run-identity.js';

describe('run identity', () => {
  it('is the seed and a digest of the config, blind to key order', () => {
    const a = runIdentity({ train: { epochs: 2, lr: 1 }, seed: 1 }, 1);
    expect(sameRun(a, runIdentity({ seed: 1, train: { lr: 1, epochs: 2 } }, 1))).toBe(true);
    expect(sameRun(a, runIdentity({ seed: 1, train: { lr: 1, epochs: 3 } }, 1))).toBe(false);
    expect(sameRun(a, runIdentity({ train: { epochs: 2, lr: 1 }, seed: 1 }, 2))).toBe(false);
    expect(canonicalJson({ b: [1, { d: 2, c: 3 }], a: null })).toBe('{"a":null,"b":[1,{"c":3,"d":2}]}');
  });

  it('lists what differs by field path', () => {
    const before = { seed: 1, train: { epochs: 6, weighting: { name: 'EW' } }, tasks: [{ name: 'a' }] };
    const after = { seed: 2, train: { epochs: 6, weighting: { name: 'PCGrad' } }, tasks: [{ name: 'a' }, { name: 'b' }] };
    expect(configDifferences(before, after)).toEqual([
      'seed: 1 → 2',
      'train.weighting.name: "EW" → "PCGrad"',
      'tasks[1]: (absent) → {"name":"b"}',
    ]);
    expect(configDifferences(before, before)).toEqual([]);
  });
});
