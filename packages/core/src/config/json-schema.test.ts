import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConfigJsonSchema } from './json-schema.js';

const COMMITTED = join(import.meta.dirname, '../../schema/run-config.schema.json');

describe('runConfigJsonSchema', () => {
  it('is what schema/run-config.schema.json holds (regenerate with npm run build)', () => {
    expect(JSON.parse(readFileSync(COMMITTED, 'utf8'))).toEqual(runConfigJsonSchema());
  });

  it('describes the config as written: defaults optional, component names offered as examples', () => {
    type Node = { properties: Record<string, Node>; required?: string[]; examples?: string[]; default?: unknown; items: Node };
    const schema = runConfigJsonSchema() as unknown as Node;
    expect(schema.required).toEqual(['tasks', 'model']);
    const train = schema.properties.train!;
    expect(train.properties.epochs!.default).toBe(10);
    expect(train.properties.weighting!.properties.name!.examples).toContain('PCGrad');
    expect(schema.properties.model!.properties.architecture!.properties.type!.examples).toEqual([
      'cgc',
      'cross-stitch',
      'hard',
      'mmoe',
      'ple',
    ]);
    expect(schema.properties.tasks!.items.properties.type!.examples).toContain('regression');
  });
});
