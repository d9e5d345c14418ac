import { createHash } from 'node:crypto';

/** What makes a run the same run: its seed and a digest of its resolved config. Stored in every checkpoint. */
export interface RunIdentity {
  readonly seed: number;
  /** sha256 of the canonical JSON of the resolved config (keys sorted). */
  readonly config: string;
}

/** JSON with object keys sorted, so equal configs give equal text whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function runIdentity(config: unknown, seed: number): RunIdentity {
  return { seed, config: createHash('sha256').update(canonicalJson(config)).digest('hex') };
}

export function sameRun(a: RunIdentity, b: RunIdentity): boolean {
  return a.seed === b.seed && a.config === b.config;
}

const show = (v: unknown): string => (v === undefined ? '(absent)' : JSON.stringify(v));

/** The fields where two configs differ, as `path: old → new` (at most `limit`, then a count of the rest). */
export function configDifferences(before: unknown, after: unknown, limit = 5): string[] {
  const out: string[] = [];
  const walk = (a: unknown, b: unknown, path: string) => {
    const objects = a !== null && b !== null && typeof a === 'object' && typeof b === 'object';
    if (objects && Array.isArray(a) === Array.isArray(b)) {
      const keys = Array.isArray(a)
        ? Array.from({ length: Math.max(a.length, (b as unknown[]).length) }, (_, i) => i)
        : [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])];
      for (const k of keys) {
        const child = typeof k === 'number' ? `${path}[${k}]` : path ? `${path}.${k}` : k;
        walk((a as Record<string | number, unknown>)[k], (b as Record<string | number, unknown>)[k], child);
      }
      return;
    }
    if (canonicalJson(a) !== canonicalJson(b)) out.push(`${path || '(root)'}: ${show(a)} → ${show(b)}`);
  };
  walk(before, after, '');
  return out.length > limit ? [...out.slice(0, limit), `and ${out.length - limit} more`] : out;
}
