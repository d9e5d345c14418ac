import { describe, expect, it } from 'vitest';
import { Registry } from './registry.js';

describe('Registry', () => {
  it('looks entries up by name and lists the known ones when a name is unknown', () => {
    const r = new Registry<number>('widget');
    r.register('a', 1);
    expect(r.get('a')).toBe(1);
    expect(() => r.get('b')).toThrow('unknown widget "b"; known: a');
  });

  it('treats a duplicate name alike everywhere: same entry is a no-op, another entry throws unless overridden', () => {
    const r = new Registry<() => number>('widget');
    const one = () => 1;
    r.register('a', one);
    r.register('a', one);
    expect(() => r.register('a', () => 2)).toThrow('widget "a" is already registered');
    r.register('a', () => 3, { override: true });
    expect(r.get('a')()).toBe(3);
  });
});
