/** Process-wide log sink; progress and logs go to stderr so stdout stays machine-readable. */
export type LogLevel = 'silent' | 'info' | 'debug';

const LEVELS: readonly LogLevel[] = ['silent', 'info', 'debug'];

function levelFromEnv(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  if ((LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  process.stderr.write(`[polytask] POLYTASK_LOG="${raw}" is not one of ${LEVELS.join(', ')}; using info\n`);
  return 'info';
}

const env = { level: levelFromEnv(process.env.POLYTASK_LOG) };

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
