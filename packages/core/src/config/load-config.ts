import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../util/errors.js';
import './strict-keys.js';

/** A field path as a person writes it: `tasks[1].head.options`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

/** One issue as `field "a.b[2]": message`; an unknown key is named in the path itself (`field "train.epoch"`). */
export function describeIssue(issue: IssueLike, prefix: readonly PropertyKey[] = []): string {
  let path = [...prefix, ...issue.path];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys' && issue.keys?.length === 1) {
    const key = issue.keys[0]!;
    path = [...path, key];
    message = message.replace(`unknown field "${key}"`, 'unknown field');
  }
  return `field "${fieldPath(path) || '(root)'}": ${message}`;
}

/** Formats zod issues as `file: field a.b[2]: message` lines. */
export function describeIssues(file: string, error: { issues: readonly IssueLike[] }, prefix: readonly PropertyKey[] = []): string {
  return error.issues.map((issue) => `${file}: ${describeIssue(issue, prefix)}`).join('; ');
}

/** Validates a value against a schema; an invalid value is a UsageError naming the file and field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, file: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(`invalid config: ${describeIssues(file, result.error)}`);
  return result.data;
}

/** Reads a YAML or JSON file (JSON is YAML) and validates it; syntax errors name the line. */
export function loadConfigFile<S extends z.ZodType>(file: string, schema: S): z.infer<S> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read config ${file}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    const line = err.linePos?.[0]?.line;
    throw new UsageError(`invalid config: ${file}${line ? `:${line}` : ''}: ${err.message.split('\n')[0]}`);
  }
  return validate(schema, doc.toJS(), file);
}
