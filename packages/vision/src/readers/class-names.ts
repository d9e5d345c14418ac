import { existsSync, readFileSync } from 'node:fs';
import { DataError } from '@polytask/core';
import { parse } from 'yaml';

/**
 * Class id → name from a dataset's YAML config: `names` (a list, or an id → name map, as in YOLO configs) or
 * `classes` (the map of COCO128's semantic config). Undefined when the file is absent.
 */
export function readClassNames(file: string, key: 'names' | 'classes'): Map<number, string> | undefined {
  if (!existsSync(file)) return undefined;
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, undefined, undefined, `not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const value = (doc as Record<string, unknown> | null)?.[key];
  const entries: [unknown, unknown][] = Array.isArray(value)
    ? value.map((n, i) => [i, n])
    : value && typeof value === 'object'
      ? Object.entries(value)
      : [];
  if (entries.length === 0) throw new DataError(file, undefined, key, `expected a list or map of class names under "${key}"`);
  const names = new Map<number, string>();
  for (const [id, name] of entries) {
    const n = Number(id);
    if (!Number.isInteger(n) || n < 0 || typeof name !== 'string') {
      throw new DataError(file, undefined, `${key}.${String(id)}`, `expected an integer id → class name, found ${JSON.stringify(name)}`);
    }
    names.set(n, name);
  }
  return names;
}
