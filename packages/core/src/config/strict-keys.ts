import { z } from 'zod';
import { closest } from '../util/did-you-mean.js';

interface KeysIssue {
  readonly code?: string;
  readonly keys?: readonly string[];
  readonly inst?: { _zod?: { def?: { shape?: Record<string, unknown> } } };
}

/** The message of an unknown key of a strict object: the key and, when close, the field it probably meant. */
export function unknownKeysMessage(keys: readonly string[], known: readonly string[]): string {
  return keys
    .map((k) => {
      const match = closest(k, known);
      return `unknown field "${k}"${match !== undefined ? `; did you mean "${match}"?` : known.length > 0 ? ` (expected: ${known.join(', ')})` : ''}`;
    })
    .join('; ');
}

let installed = false;

/**
 * Makes every strict zod object (configs and component options alike) say which key is unknown and suggest the
 * nearest known one, wherever it is parsed. Other messages keep zod's wording. Idempotent; chains an existing map.
 */
export function installUnknownKeyMessages(): void {
  if (installed) return;
  installed = true;
  const previous = z.config().customError;
  z.config({
    customError: (issue) => {
      const i = issue as unknown as KeysIssue;
      if (i.code === 'unrecognized_keys' && i.keys) return unknownKeysMessage(i.keys, Object.keys(i.inst?._zod?.def?.shape ?? {}));
      return previous?.(issue);
    },
  });
}

installUnknownKeyMessages();
