import type { z } from 'zod';
import { UsageError } from '../util/errors.js';

/**
 * Validates a domain's saved preprocessing (model.json's `preprocessing`) against its schema. The error names the
 * file and the first field that does not fit: `m/model.json: field "preprocessing.format": not a recsys
 * preprocessing (...)`.
 */
export function parseSavedPreprocessing<S extends z.ZodType>(schema: S, value: unknown, file: string, what: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue ? ['preprocessing', ...issue.path].join('.') : 'preprocessing';
  throw new UsageError(`${file}: field "${field}": not ${what} (${issue?.message ?? 'invalid'})`);
}
