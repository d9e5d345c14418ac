import { readFile } from 'node:fs/promises';
import { PolytaskError } from '../util/errors.js';

/**
 * `history.jsonl`, one JSON object per line: the trainer writes it (`stepLine`, `epochLine`), the report and a resumed
 * run read it (`parseHistory`). On disk the keys are flat, as in the callback logs (`loss/<task>`, `weight/<task>`,
 * `val/<task>/<metric>`, `val/loss/<task>`, `val/delta_m`); in memory they are grouped per task.
 */

/**
 * A run folder file that is missing or malformed. The message names the file (and the line, for
 * `history.jsonl`) so a person can open it and look.
 */
export class RunFormatError extends PolytaskError {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(`${line === undefined ? file : `${file}:${line}`}: ${message}`);
    this.name = 'RunFormatError';
  }
}

/** Pairwise cosine of the task gradients, as logged on some steps. */
export interface CosineRecord {
  readonly tasks: readonly string[];
  /** Symmetric `tasks.length × tasks.length`, ones on the diagonal. */
  readonly matrix: readonly (readonly number[])[];
}

/** One `{"type":"step"}` line. Non-finite values (JSON `null`) read as `NaN`. */
export interface StepRecord {
  readonly step: number;
  readonly epoch: number;
  /** Sum of the per-task losses. */
  readonly loss: number;
  readonly lr?: number;
  /** `loss/<task>`. */
  readonly losses: Readonly<Record<string, number>>;
  /** `weight/<task>`. */
  readonly weights: Readonly<Record<string, number>>;
  readonly cosines?: CosineRecord;
  readonly gradNorm?: number;
}

/** One `{"type":"epoch"}` line. */
export interface EpochRecord {
  readonly epoch: number;
  /** Mean training loss of the epoch (sum over tasks). */
  readonly loss?: number;
  /** `loss/<task>`: mean training loss of the epoch. */
  readonly losses: Readonly<Record<string, number>>;
  /** `val/<task>/<metric>`. */
  readonly val: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** `val/loss/<task>`. */
  readonly valLosses: Readonly<Record<string, number>>;
  /** `val/delta_m`. */
  readonly deltaM?: number;
}

export interface TrainingHistory {
  /** The file it was read from (as given), for messages. */
  readonly file: string;
  readonly steps: readonly StepRecord[];
  readonly epochs: readonly EpochRecord[];
  /** Task names in order of first appearance. */
  readonly tasks: readonly string[];
  /** Things skipped but worth saying (e.g. a half-written last line of a run still training). */
  readonly warnings: readonly string[];
}

type Json = Record<string, unknown>;

/** A finite number, or `NaN` for JSON `null` (JSON.stringify writes NaN and ±Infinity as null). */
function numeric(value: unknown, key: string, file: string, line: number): number {
  if (value === null) return Number.NaN;
  if (typeof value !== 'number') throw new RunFormatError(`"${key}" should be a number, got ${JSON.stringify(value)}`, file, line);
  return value;
}

function requiredNumber(obj: Json, key: string, file: string, line: number): number {
  if (!(key in obj)) throw new RunFormatError(`${String(obj.type)} line has no "${key}"`, file, line);
  return numeric(obj[key], key, file, line);
}

function cosineRecord(value: unknown, file: string, line: number): CosineRecord {
  const bad = (why: string) => new RunFormatError(`"cosines" ${why}`, file, line);
  if (typeof value !== 'object' || value === null) throw bad('should be {"tasks": [...], "matrix": [[...]]}');
  const { tasks, matrix } = value as Json;
  if (!Array.isArray(tasks) || !tasks.every((t) => typeof t === 'string')) throw bad('"tasks" should be an array of names');
  if (!Array.isArray(matrix) || matrix.length !== tasks.length) {
    throw bad(`"matrix" should have ${tasks.length} rows, one per task`);
  }
  const rows = matrix.map((row, i) => {
    if (!Array.isArray(row) || row.length !== tasks.length) throw bad(`"matrix" row ${i} should have ${tasks.length} entries`);
    return row.map((v, j) => numeric(v, `cosines.matrix[${i}][${j}]`, file, line));
  });
  return { tasks: tasks as string[], matrix: rows };
}

function stepRecord(obj: Json, file: string, line: number, seeTask: (t: string) => void): StepRecord {
  const losses: Record<string, number> = {};
  const weights: Record<string, number> = {};
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith('loss/')) {
      const task = key.slice('loss/'.length);
      losses[task] = numeric(value, key, file, line);
      seeTask(task);
    } else if (key.startsWith('weight/')) {
      const task = key.slice('weight/'.length);
      weights[task] = numeric(value, key, file, line);
      seeTask(task);
    }
  }
  const record: {
    -readonly [K in keyof StepRecord]: StepRecord[K];
  } = {
    step: requiredNumber(obj, 'step', file, line),
    epoch: requiredNumber(obj, 'epoch', file, line),
    loss: requiredNumber(obj, 'loss', file, line),
    losses,
    weights,
  };
  if (obj.lr !== undefined) record.lr = numeric(obj.lr, 'lr', file, line);
  if (obj.gradNorm !== undefined) record.gradNorm = numeric(obj.gradNorm, 'gradNorm', file, line);
  if (obj.cosines !== undefined) record.cosines = cosineRecord(obj.cosines, file, line);
  return record;
}

function epochRecord(obj: Json, file: string, line: number, seeTask: (t: string) => void): EpochRecord {
  const losses: Record<string, number> = {};
  const val: Record<string, Record<string, number>> = {};
  const valLosses: Record<string, number> = {};
  let deltaM: number | undefined;
  for (const [key, value] of Object.entries(obj)) {
    if (key.startsWith('loss/')) {
      const task = key.slice('loss/'.length);
      losses[task] = numeric(value, key, file, line);
      seeTask(task);
    } else if (key === 'val/delta_m') {
      deltaM = numeric(value, key, file, line);
    } else if (key.startsWith('val/loss/')) {
      const task = key.slice('val/loss/'.length);
      valLosses[task] = numeric(value, key, file, line);
      seeTask(task);
    } else if (key.startsWith('val/')) {
      const rest = key.slice('val/'.length);
      const slash = rest.lastIndexOf('/');
      if (slash <= 0 || slash === rest.length - 1) {
        throw new RunFormatError(`"${key}" should be "val/<task>/<metric>"`, file, line);
      }
      const task = rest.slice(0, slash);
      const metrics = val[task] ?? {};
      metrics[rest.slice(slash + 1)] = numeric(value, key, file, line);
      val[task] = metrics;
      seeTask(task);
    }
  }
  const record: { -readonly [K in keyof EpochRecord]: EpochRecord[K] } = {
    epoch: requiredNumber(obj, 'epoch', file, line),
    losses,
    val,
    valLosses,
  };
  if (obj.loss !== undefined) record.loss = numeric(obj.loss, 'loss', file, line);
  if (deltaM !== undefined) record.deltaM = deltaM;
  return record;
}

/**
 * Parses the text of a `history.jsonl`. Blank lines and lines of an unknown `type` are skipped;
 * anything else malformed throws a {@link RunFormatError} naming `file:line`. A last line that is
 * cut off mid-JSON (no newline after it: the run is still writing) is skipped with a warning.
 */
export function parseHistory(text: string, file = 'history.jsonl'): TrainingHistory {
  const steps: StepRecord[] = [];
  const epochs: EpochRecord[] = [];
  const tasks: string[] = [];
  const seen = new Set<string>();
  const warnings: string[] = [];
  const seeTask = (t: string) => {
    if (!seen.has(t)) {
      seen.add(t);
      tasks.push(t);
    }
  };
  const lines = text.split('\n');
  lines.forEach((raw, index) => {
    const line = index + 1;
    const content = raw.trim();
    if (content === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(content);
    } catch (e) {
      if (index === lines.length - 1) {
        warnings.push(`${file}:${line}: skipped an unfinished last line (is the run still training?)`);
        return;
      }
      throw new RunFormatError(`not valid JSON (${(e as Error).message})`, file, line);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new RunFormatError('expected a JSON object per line', file, line);
    }
    const obj = parsed as Json;
    if (obj.type === 'step') steps.push(stepRecord(obj, file, line, seeTask));
    else if (obj.type === 'epoch') epochs.push(epochRecord(obj, file, line, seeTask));
    else if (typeof obj.type !== 'string') throw new RunFormatError('line has no "type" ("step" or "epoch")', file, line);
  });
  return { file, steps, epochs, tasks, warnings };
}

/** Reads and parses a `history.jsonl` file (see {@link parseHistory}). */
export async function readHistory(file: string): Promise<TrainingHistory> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found: is this the --out folder of `polytask-<domain> train`?' : (e as Error).message;
    throw new RunFormatError(why, file);
  }
  return parseHistory(text, file);
}

type Line = Record<string, unknown>;

/** The `history.jsonl` line of a step record. */
export function stepLine(r: StepRecord): string {
  const line: Line = { type: 'step', step: r.step, epoch: r.epoch, loss: r.loss };
  if (r.lr !== undefined) line.lr = r.lr;
  for (const [t, v] of Object.entries(r.losses)) line[`loss/${t}`] = v;
  for (const [t, v] of Object.entries(r.weights)) line[`weight/${t}`] = v;
  if (r.cosines) line.cosines = r.cosines;
  if (r.gradNorm !== undefined) line.gradNorm = r.gradNorm;
  return JSON.stringify(line);
}

/** The `history.jsonl` line of an epoch record. */
export function epochLine(r: EpochRecord): string {
  return JSON.stringify({ type: 'epoch', epoch: r.epoch, ...epochLogs(r) });
}

/** An epoch record as flat callback logs (`loss`, `loss/<task>`, `val/<task>/<metric>`, `val/loss/<task>`, `val/delta_m`). */
export function epochLogs(r: EpochRecord): Record<string, number> {
  const logs: Record<string, number> = {};
  if (r.loss !== undefined) logs.loss = r.loss;
  for (const [t, v] of Object.entries(r.losses)) logs[`loss/${t}`] = v;
  for (const [t, ms] of Object.entries(r.val)) for (const [m, v] of Object.entries(ms)) logs[`val/${t}/${m}`] = v;
  for (const [t, v] of Object.entries(r.valLosses)) logs[`val/loss/${t}`] = v;
  if (r.deltaM !== undefined) logs['val/delta_m'] = r.deltaM;
  return logs;
}
