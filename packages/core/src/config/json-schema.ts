import { z } from 'zod';
import { registryCatalog } from './catalog.js';
import { RunConfig } from './run-config.js';

type Json = Record<string, unknown>;

export interface RunConfigSchemaOptions {
  /** Schema of the domain's `data` section (default: any object; the domain validates it). */
  readonly data?: z.ZodType;
  readonly title?: string;
  /** `$id` of the schema (where it is published). */
  readonly id?: string;
}

function at(schema: Json, path: readonly string[]): Json | undefined {
  let node: unknown = schema;
  for (const key of path) node = (node as Json | undefined)?.[key];
  return node as Json | undefined;
}

/**
 * The JSON Schema (draft 2020-12) of a run config as users write it (defaults optional), generated from the zod
 * schemas that validate it. Component names (trunk, architecture, head, task type, weighting) get the registered
 * names as `examples`, so editors complete them without rejecting a name registered by user code.
 */
export function runConfigJsonSchema(options: RunConfigSchemaOptions = {}): Json {
  const schema = options.data ? RunConfig.safeExtend({ data: options.data as typeof RunConfig.shape.data }) : RunConfig;
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Json;
  const catalog = registryCatalog();
  const names: readonly (readonly [readonly string[], readonly { name: string }[]])[] = [
    [['properties', 'model', 'properties', 'trunk', 'properties', 'type'], catalog.trunks],
    [['properties', 'model', 'properties', 'architecture', 'properties', 'type'], catalog.architectures],
    [['properties', 'tasks', 'items', 'properties', 'type'], catalog.tasks],
    [['properties', 'tasks', 'items', 'properties', 'head', 'properties', 'type'], catalog.heads],
    [['properties', 'train', 'properties', 'weighting', 'properties', 'name'], catalog.weightings],
  ];
  for (const [path, entries] of names) {
    const node = at(json, path);
    if (!node) throw new Error(`run config schema: no ${path.filter((p) => p !== 'properties').join('.')}`);
    node.examples = entries.map((e) => e.name);
  }
  return {
    $schema: json.$schema,
    ...(options.id ? { $id: options.id } : {}),
    title: options.title ?? 'Polytask run config',
    ...Object.fromEntries(Object.entries(json).filter(([k]) => k !== '$schema')),
  };
}
