import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { describeOptions, formatCatalog, registryCatalog } from './catalog.js';

describe('registry catalog', () => {
  it('describes options with their types and defaults from the zod schema', () => {
    const schema = z.object({ units: z.array(z.number().int()).default([64]), mode: z.enum(['a', 'b']).default('a'), rate: z.number() });
    expect(describeOptions(schema)).toEqual([
      { name: 'units', type: 'integer[]', required: false, default: [64] },
      { name: 'mode', type: '"a" | "b"', required: false, default: 'a' },
      { name: 'rate', type: 'number', required: true },
    ]);
  });

  it('lists every registered family with the options of each component', () => {
    const catalog = registryCatalog();
    expect(catalog.architectures.find((a) => a.name === 'mmoe')?.options).toContainEqual({
      name: 'experts',
      type: 'integer',
      required: false,
      default: 4,
    });
    expect(catalog.weightings.map((w) => w.name)).toEqual(expect.arrayContaining(['EW', 'PCGrad', 'UPGrad']));
    expect(catalog.metrics.map((m) => m.name)).toContain('auc');
    const text = formatCatalog(catalog);
    expect(text).toContain('architectures (model.architecture.type):\n  cgc\n');
    expect(text).toMatch(/^ {2}mmoe\n {4}experts: integer = 4$/m);
    expect(text).toContain('weightings (train.weighting.name):');
  });
});
