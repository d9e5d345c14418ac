/** Exit codes of every Polytask command-line app. */
export const ExitCode = { ok: 0, failure: 1, usage: 2 } as const;

/** An error a user can act on: one readable line, and the exit code a CLI should end with. */
export class PolytaskError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.failure,
  ) {
    super(message);
    this.name = 'PolytaskError';
  }
}

/** Bad usage or an invalid config (exit code 2). `where` names the file, line and field when known. */
export class UsageError extends PolytaskError {
  constructor(message: string) {
    super(message, ExitCode.usage);
    this.name = 'UsageError';
  }
}

/** Malformed input data: names the file, the 1-based line and the field. */
export class DataError extends PolytaskError {
  constructor(file: string, line: number | undefined, field: string | undefined, problem: string) {
    const where = [file, line === undefined ? undefined : `line ${line}`, field === undefined ? undefined : `field "${field}"`]
      .filter(Boolean)
      .join(', ');
    super(`${where}: ${problem}`);
    this.name = 'DataError';
  }
}

/** One problem with a component's options: the path inside the options and what is wrong. */
export interface OptionsIssue {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/**
 * Invalid options of a registered component (weighting, architecture, trunk, head, ...). Carries the family, the
 * registered name and the options given, so a CLI can name the config field they came from.
 */
export class OptionsError extends UsageError {
  constructor(
    readonly family: string,
    readonly component: string,
    readonly options: unknown,
    readonly issues: readonly OptionsIssue[],
  ) {
    const detail = issues.map((i) => (i.path.length > 0 ? `${i.path.map(String).join('.')}: ${i.message}` : i.message)).join('; ');
    super(`${family} "${component}": invalid options: ${detail}`);
    this.name = 'OptionsError';
  }
}

/** A zod error (any zod instance) by its shape. */
export function isZodError(e: unknown): e is { issues: { path: PropertyKey[]; message: string; code?: string; keys?: string[] }[] } {
  return e instanceof Error && e.name === 'ZodError' && Array.isArray((e as { issues?: unknown }).issues);
}
