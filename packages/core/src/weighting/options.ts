import type { z } from 'zod';
import { OptionsError } from '../util/errors.js';

/** snake_case → camelCase (`max_norm` → `maxNorm`), so LibMTL-style option names are accepted too. */
function camelCase(key: string): string {
  return key.replace(/_([a-z0-9])/g, (_m, c: string) => c.toUpperCase());
}

/**
 * Parses a method's options with its zod schema (strict: unknown keys are errors, so typos are caught).
 * Keys may be given in camelCase or snake_case; `aliases` maps LibMTL's own names (e.g. `calpha`, `mgda_gn`)
 * onto ours. Errors become an OptionsError (a UsageError) naming the method and the option.
 */
export function parseOptions<S extends z.ZodType>(
  method: string,
  schema: S,
  options: Record<string, unknown> | undefined,
  aliases: Record<string, string> = {},
): z.output<S> {
  const renamed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options ?? {})) {
    renamed[aliases[key] ?? camelCase(key)] = value;
  }
  const result = schema.safeParse(renamed);
  if (!result.success) throw new OptionsError('weighting', method, options, result.error.issues);
  return result.data;
}

/** Parses a checkpointed state with its schema; a mismatch is a plain Error naming the method. */
export function parseState<S extends z.ZodType>(method: string, schema: S, state: unknown): z.output<S> {
  const result = schema.safeParse(state);
  if (!result.success) {
    throw new Error(`weighting "${method}": invalid state: ${result.error.issues.map((i) => i.message).join('; ')}`);
  }
  return result.data;
}
