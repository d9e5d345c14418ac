import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recsysRunConfigJsonSchema } from './run-config-schema.js';

describe('recsysRunConfigJsonSchema', () => {
  it('is what schema/run-config.schema.json holds (regenerate with npm run build)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../schema/run-config.schema.json'), 'utf8'));
    expect(committed).toEqual(recsysRunConfigJsonSchema());
  });

  it('has the recsys data section and the ESMM task types', () => {
    type Node = { properties: Record<string, Node>; required?: string[]; examples?: string[]; items: Node };
    const schema = recsysRunConfigJsonSchema() as unknown as Node;
    expect(schema.properties.data!.required).toEqual(expect.arrayContaining(['root', 'features', 'labels']));
    expect(schema.properties.tasks!.items.properties.type!.examples).toEqual(expect.arrayContaining(['esmm-cvr', 'esmm-ctcvr']));
  });
});
