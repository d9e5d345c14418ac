/** Process-wide log sink; progress and logs go to stderr so stdout stays machine-readable. */
export type LogLevel = 'silent' | 'info' | 'debug';

const LEVELS: readonly LogLevel[] = ['silent', 'info', 'debug'];

/** Node's process when there is one: a browser bundle of core has none, and logs go to the console there. */
const nodeProcess = (globalThis as { process?: Pick<NodeJS.Process, 'env' | 'stderr'> }).process;

function write(line: string): void {
  if (nodeProcess?.stderr) nodeProcess.stderr.write(`${line}\n`);
  else console.error(line);
}

function levelFromEnv(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  if ((LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  write(`[polytask] POLYTASK_LOG="${raw}" is not one of ${LEVELS.join(', ')}; using info`);
  return 'info';
}

const env = { level: levelFromEnv(nodeProcess?.env?.POLYTASK_LOG) };

export function setLogLevel(level: LogLevel): void {
  env.level = level;
}

export function logLevel(): LogLevel {
  return env.level;
}

export function logInfo(message: string): void {
  if (env.level !== 'silent') write(`[polytask] ${message}`);
}

export function logDebug(message: string): void {
  if (env.level === 'debug') write(`[polytask] ${message}`);
}
