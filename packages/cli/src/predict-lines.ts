import { DataError, PolytaskError } from '@polytask/core';

/** Turns a batch of raw records into one output object per record; throws (a DataError) for a bad record. */
export type PredictBatch = (
  records: unknown[],
  lineNumbers: readonly number[],
) => Record<string, unknown>[] | Promise<Record<string, unknown>[]>;

export interface PredictLinesOptions {
  /** Where the lines come from, for messages (`FILE:LINE`). */
  readonly input: string;
  /** A record field copied into its output line (prediction or error), to match outputs to inputs. */
  readonly idField: string;
  readonly batchSize?: number;
  /** A line → its record (text, an image path); throws for a bad line. Default: the line parsed as JSON. */
  readonly parseLine?: (line: string) => unknown;
  readonly write: (line: string) => void;
}

export interface PredictSummary {
  readonly predicted: number;
  readonly failed: number;
}

const idOf = (record: unknown, field: string): unknown =>
  record !== null && typeof record === 'object' && !Array.isArray(record) ? (record as Record<string, unknown>)[field] : undefined;

/**
 * `predict` over JSON lines: one output line per non-blank input line, in input order. A line that is not valid
 * JSON or whose record cannot be encoded gets an error record `{"line": N, "id": ..., "error": "..."}` and the
 * others are still predicted (a failing batch is retried record by record to find the bad ones).
 */
export async function predictLines(
  lines: AsyncIterable<string> | Iterable<string>,
  predict: PredictBatch,
  options: PredictLinesOptions,
): Promise<PredictSummary> {
  const batchSize = options.batchSize ?? 1024;
  let pending: { line: number; record?: unknown; error?: string }[] = [];
  let predicted = 0;
  let failed = 0;
  const withId = (record: unknown, out: Record<string, unknown>) => {
    const id = idOf(record, options.idField);
    return id === undefined ? out : { [options.idField]: id, ...out };
  };
  const flush = async () => {
    const results = new Map<number, Record<string, unknown>>();
    const good = pending.filter((p) => p.error === undefined);
    const run = async (items: typeof good) => {
      const outs = await predict(
        items.map((p) => p.record),
        items.map((p) => p.line),
      );
      items.forEach((p, i) => {
        results.set(p.line, withId(p.record, outs[i]!));
      });
    };
    try {
      if (good.length > 0) await run(good);
    } catch (e) {
      if (!(e instanceof DataError || e instanceof PolytaskError)) throw e;
      const ok: typeof good = [];
      for (const p of good) {
        try {
          await predict([p.record], [p.line]);
          ok.push(p);
        } catch (inner) {
          if (!(inner instanceof PolytaskError)) throw inner;
          p.error = (inner as Error).message;
        }
      }
      if (ok.length > 0) await run(ok);
    }
    const out: string[] = [];
    for (const p of pending) {
      if (p.error !== undefined) {
        failed += 1;
        out.push(JSON.stringify(withId(p.record, { line: p.line, error: p.error })));
      } else {
        predicted += 1;
        out.push(JSON.stringify(results.get(p.line)));
      }
    }
    if (out.length > 0) options.write(`${out.join('\n')}\n`);
    pending = [];
  };
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      pending.push({ line: n, record: options.parseLine ? options.parseLine(line) : JSON.parse(line) });
    } catch (e) {
      const why = options.parseLine ? (e as Error).message : `not valid JSON (${(e as Error).message})`;
      pending.push({ line: n, error: new DataError(options.input, n, undefined, why).message });
    }
    if (pending.length >= batchSize) await flush();
  }
  await flush();
  return { predicted, failed };
}
