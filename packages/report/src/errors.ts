/**
 * A run folder file that is missing or malformed. The message names the file (and the line, for
 * `history.jsonl`) so a person can open it and look.
 */
export class RunFormatError extends Error {
  override readonly name = 'RunFormatError';

  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${message}`);
  }
}
