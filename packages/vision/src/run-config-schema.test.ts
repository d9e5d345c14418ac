import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { visionRunConfigJsonSchema } from './run-config-schema.js';

describe('visionRunConfigJsonSchema', () => {
  it('is what schema/run-config.schema.json holds (regenerate with npm run build)', () => {
    const committed = JSON.parse(readFileSync(join(import.meta.dirname, '../schema/run-config.schema.json'), 'utf8'));
    expect(committed).toEqual(visionRunConfigJsonSchema());
  });

  it('has the vision data section and the detection and segmentation task types', () => {
    type Node = { properties: Record<string, Node>; required?: string[]; examples?: string[]; items: Node };
    const schema = visionRunConfigJsonSchema() as unknown as Node;
    expect(schema.properties.data!.required).toEqual(['format']);
    expect(schema.properties.tasks!.items.properties.type!.examples).toEqual(expect.arrayContaining(['detection', 'segmentation']));
  });
});
