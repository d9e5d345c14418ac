import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type TrainingHistory as History, RunFormatError, readHistory } from '@polytask/core';

/** `metrics.json` as `polytask-<domain> train` writes it (final metrics on `split`). */
export interface RunMetrics {
  readonly tasks: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly split?: string;
  readonly backend?: string;
  readonly seconds?: number;
  readonly epochs?: number;
  readonly bestEpoch?: number;
  readonly monitor?: string;
  readonly losses?: Readonly<Record<string, number>>;
}

/** Everything the report reads from a run folder. Only `history.jsonl` is required. */
export interface RunFolder {
  readonly dir: string;
  readonly history: History;
  readonly metrics?: RunMetrics;
  /** `config.resolved.json`, as parsed JSON (not validated: the report only picks facts out of it). */
  readonly config?: Readonly<Record<string, unknown>>;
}

async function readJson(file: string): Promise<unknown | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new RunFormatError((e as Error).message, file);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new RunFormatError(`not valid JSON (${(e as Error).message})`, file);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Validates a parsed `metrics.json`; `null` metric values (NaN when written) read as `NaN`. */
export function parseMetrics(value: unknown, file = 'metrics.json'): RunMetrics {
  if (!isObject(value)) throw new RunFormatError('expected a JSON object', file);
  if (!isObject(value.tasks)) throw new RunFormatError('"tasks" should be {"<task>": {"<metric>": number}}', file);
  const tasks: Record<string, Record<string, number>> = {};
  for (const [task, ms] of Object.entries(value.tasks)) {
    if (!isObject(ms)) throw new RunFormatError(`"tasks.${task}" should be {"<metric>": number}`, file);
    tasks[task] = {};
    for (const [m, v] of Object.entries(ms)) {
      if (v !== null && typeof v !== 'number') throw new RunFormatError(`"tasks.${task}.${m}" should be a number`, file);
      tasks[task][m] = v ?? Number.NaN;
    }
  }
  const out: { -readonly [K in keyof RunMetrics]: RunMetrics[K] } = { tasks };
  for (const key of ['split', 'backend', 'monitor'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new RunFormatError(`"${key}" should be a string`, file);
    out[key] = v;
  }
  for (const key of ['seconds', 'epochs', 'bestEpoch'] as const) {
    const v = value[key];
    if (v === undefined) continue;
    if (typeof v !== 'number') throw new RunFormatError(`"${key}" should be a number`, file);
    out[key] = v;
  }
  if (isObject(value.losses)) {
    out.losses = Object.fromEntries(Object.entries(value.losses).filter((e): e is [string, number] => typeof e[1] === 'number'));
  }
  return out;
}

/** Reads `history.jsonl` (required), `metrics.json` and `config.resolved.json` (optional) from a run folder. */
export async function readRunFolder(dir: string): Promise<RunFolder> {
  const history = await readHistory(join(dir, 'history.jsonl'));
  const metricsFile = join(dir, 'metrics.json');
  const rawMetrics = await readJson(metricsFile);
  const configFile = join(dir, 'config.resolved.json');
  const rawConfig = await readJson(configFile);
  if (rawConfig !== undefined && !isObject(rawConfig)) throw new RunFormatError('expected a JSON object', configFile);
  return {
    dir,
    history,
    ...(rawMetrics === undefined ? {} : { metrics: parseMetrics(rawMetrics, metricsFile) }),
    ...(rawConfig === undefined ? {} : { config: rawConfig }),
  };
}
