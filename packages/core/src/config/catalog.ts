import { z } from 'zod';
import { architectureRegistry } from '../arch/index.js';
import { headRegistry } from '../heads/index.js';
import { metricRegistry } from '../metrics/index.js';
import { taskRegistry } from '../tasks/index.js';
import { trunkRegistry } from '../trunk/index.js';
import type { Registry } from '../util/registry.js';
import { weightingRegistry } from '../weighting/index.js';

/** One option of a registered component, as its zod schema states it. */
export interface OptionInfo {
  readonly name: string;
  /** JSON-Schema-style type: `number`, `integer`, `boolean`, `string`, `number[]`, `"a" | "b"`, ... */
  readonly type: string;
  readonly required: boolean;
  readonly default?: unknown;
}

export interface CatalogEntry {
  readonly name: string;
  /** Undefined when the component was registered without an options schema. */
  readonly options?: readonly OptionInfo[];
}

/** Everything a config can name, by family (config key in brackets in `formatCatalog`). */
export interface Catalog {
  readonly trunks: readonly CatalogEntry[];
  readonly architectures: readonly CatalogEntry[];
  readonly heads: readonly CatalogEntry[];
  readonly tasks: readonly CatalogEntry[];
  readonly weightings: readonly CatalogEntry[];
  readonly metrics: readonly CatalogEntry[];
}

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  default?: unknown;
};

function typeName(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (s.anyOf) return s.anyOf.map(typeName).join(' | ');
  if (s.type === 'array') return `${s.items ? typeName(s.items) : 'unknown'}[]`;
  if (Array.isArray(s.type)) return s.type.join(' | ');
  return s.type ?? 'unknown';
}

/** The options of a zod object schema: name, type, required, default. */
export function describeOptions(schema: z.ZodType): OptionInfo[] {
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  const required = new Set(json.required ?? []);
  return Object.entries(json.properties ?? {}).map(([name, s]) => ({
    name,
    type: typeName(s),
    required: required.has(name),
    ...(s.default !== undefined ? { default: s.default } : {}),
  }));
}

function entries<T>(registry: Registry<T>): CatalogEntry[] {
  return registry.names().map((name) => {
    const schema = registry.optionsSchema(name);
    return schema ? { name, options: describeOptions(schema) } : { name };
  });
}

/** What is registered right now (a domain package's imports add its own), with each component's options. */
export function registryCatalog(): Catalog {
  return {
    trunks: entries(trunkRegistry),
    architectures: entries(architectureRegistry),
    heads: entries(headRegistry),
    tasks: entries(taskRegistry),
    weightings: entries(weightingRegistry),
    metrics: entries(metricRegistry),
  };
}

const FAMILIES: readonly (readonly [keyof Catalog, string])[] = [
  ['trunks', 'model.trunk.type'],
  ['architectures', 'model.architecture.type'],
  ['heads', 'tasks[].head.type'],
  ['tasks', 'tasks[].type'],
  ['weightings', 'train.weighting.name'],
  ['metrics', 'tasks[].metrics'],
];

/** The catalog as text: a section per family naming its config key, one line per component and per option. */
export function formatCatalog(catalog: Catalog): string {
  const lines: string[] = [];
  for (const [family, key] of FAMILIES) {
    lines.push(`${family} (${key}):`);
    for (const entry of catalog[family]) {
      if (!entry.options || entry.options.length === 0) {
        lines.push(`  ${entry.name}${entry.options ? '  (no options)' : ''}`);
        continue;
      }
      lines.push(`  ${entry.name}`);
      for (const o of entry.options) {
        const value = o.default !== undefined ? ` = ${JSON.stringify(o.default)}` : o.required ? ' (required)' : '';
        lines.push(`    ${o.name}: ${o.type}${value}`);
      }
    }
    lines.push('');
  }
  return lines.join('\n');
}
