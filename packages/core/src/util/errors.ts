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
