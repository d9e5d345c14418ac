/** Process-wide log sink; progress and logs go to stderr so stdout stays machine-readable. */
export type LogLevel = 'silent' | 'info' | 'debug';

const env = { level: (process.env.POLYTASK_LOG as LogLevel | undefined) ?? 'info' };

export function setLogLevel(level: LogLevel): void {
  env.level = level;
}

export function logLevel(): LogLevel {
  return env.level;
}

export function logInfo(message: string): void {
  if (env.level !== 'silent') process.stderr.write(`[polytask] ${message}\n`);
}

export function logDebug(message: string): void {
  if (env.level === 'debug') process.stderr.write(`[polytask] ${message}\n`);
}
