import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { DataError } from '@polytask/core';
import { z } from 'zod';

/** How a delimited text file is read. */
export const CsvOptions = z.strictObject({
  /** The first line names the columns. */
  header: z.boolean().default(true),
  /**
   * Column names. Required without a header; with a header they replace its names (the count must match).
   */
  columns: z.array(z.string().min(1)).optional(),
  /** One character between fields. */
  delimiter: z.string().length(1).default(','),
  /** Fields may be wrapped in this character; a doubled quote inside is a literal quote. */
  quote: z.string().length(1).default('"'),
  /** Trim spaces around every field (census-income writes `", "` between fields). */
  trim: z.boolean().default(false),
  /** Gzip-compressed input; default: by the `.gz` extension. */
  gzip: z.boolean().optional(),
  /** Lines to skip at the start of the file, before the header (a title, a licence line). */
  skipLines: z.number().int().min(0).default(0),
  /**
   * Lines starting with this text are skipped wherever they are (`#` notes, a trailer line). Checked on the raw
   * line, so a quoted field that continues onto a line starting with it is still read as data.
   */
  comment: z.string().min(1).optional(),
});
export type CsvOptions = z.input<typeof CsvOptions>;

/** One data row: its fields, the column names, and the 1-based line it starts on. */
export interface CsvRow {
  readonly line: number;
  readonly values: string[];
  readonly columns: readonly string[];
}

/** Splits one record into fields; returns null when a quoted field is still open at the end of the text. */
export function splitRecord(text: string, delimiter: string, quote: string, trim: boolean): string[] | null {
  if (!text.includes(quote)) {
    const parts = text.split(delimiter);
    return trim ? parts.map((p) => p.trim()) : parts;
  }
  const out: string[] = [];
  let i = 0;
  const n = text.length;
  for (;;) {
    // skip leading spaces before an opening quote when trimming
    let j = i;
    if (trim) while (j < n && (text[j] === ' ' || text[j] === '\t')) j++;
    if (j < n && text[j] === quote) {
      let value = '';
      let k = j + 1;
      for (;;) {
        const q = text.indexOf(quote, k);
        if (q < 0) return null; // open quote: the record continues on the next line
        value += text.slice(k, q);
        if (text[q + 1] === quote) {
          value += quote;
          k = q + 2;
          continue;
        }
        k = q + 1;
        break;
      }
      // anything between the closing quote and the delimiter is kept (lenient), trimmed when asked
      const end = text.indexOf(delimiter, k);
      const rest = end < 0 ? text.slice(k) : text.slice(k, end);
      value += trim ? rest.trim() : rest;
      out.push(value);
      if (end < 0) return out;
      i = end + 1;
    } else {
      const end = text.indexOf(delimiter, i);
      const raw = end < 0 ? text.slice(i) : text.slice(i, end);
      out.push(trim ? raw.trim() : raw);
      if (end < 0) return out;
      i = end + 1;
    }
  }
}

/** The lines of a (gzipped) text file, streamed; `\r\n` and `\n` endings; stream errors reject the iteration. */
async function* textLines(path: string, gzip: boolean): AsyncGenerator<string> {
  const file = createReadStream(path);
  let input: Readable = file;
  if (gzip) {
    const gunzip = createGunzip();
    file.on('error', (e) => gunzip.destroy(e));
    input = file.pipe(gunzip);
  }
  input.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of input as AsyncIterable<string>) {
      const text = rest + chunk;
      let start = 0;
      for (;;) {
        const nl = text.indexOf('\n', start);
        if (nl < 0) break;
        const end = nl > start && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        yield text.slice(start, end);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    if (rest.length > 0) yield rest.endsWith('\r') ? rest.slice(0, -1) : rest;
  } finally {
    input.destroy();
    file.destroy();
  }
}

/**
 * Streams the data rows of a delimited file (plain or `.gz`) line by line, never holding the file: a header or
 * configured column names, one-character delimiter, optional trimming, quoted fields (also across lines), leading
 * lines skipped (`skipLines`) and comment lines (`comment`) ignored.
 * A row with the wrong number of fields is a DataError naming the file and line.
 */
export async function* readCsv(path: string, options: CsvOptions = {}): AsyncGenerator<CsvRow> {
  const o = CsvOptions.parse(options);
  const gzip = o.gzip ?? path.endsWith('.gz');
  if (!o.header && !o.columns) throw new DataError(path, undefined, undefined, 'no header and no column names configured');
  let columns: readonly string[] | undefined = o.header ? undefined : o.columns;
  let lineNo = 0;
  let pending = '';
  let pendingStart = 0;
  try {
    for await (const line of textLines(path, gzip)) {
      lineNo += 1;
      let text = line;
      if (lineNo === 1 && text.charCodeAt(0) === 0xfeff) text = text.slice(1); // BOM
      if (lineNo <= o.skipLines) continue;
      if (!pending && o.comment !== undefined && text.startsWith(o.comment)) continue;
      if (pending) text = `${pending}\n${text}`;
      const start = pending ? pendingStart : lineNo;
      // blank lines are skipped; a line of only delimiters (tabs are whitespace too) is a row of empty fields
      if (!pending && text.trim() === '' && !text.includes(o.delimiter)) continue;
      const values = splitRecord(text, o.delimiter, o.quote, o.trim);
      if (values === null) {
        pending = text;
        pendingStart = start;
        continue;
      }
      pending = '';
      if (columns === undefined) {
        if (o.columns && o.columns.length !== values.length) {
          throw new DataError(path, start, undefined, `the header has ${values.length} columns, the config names ${o.columns.length}`);
        }
        columns = o.columns ?? values;
        continue;
      }
      if (values.length !== columns.length) {
        throw new DataError(path, start, undefined, `expected ${columns.length} fields, found ${values.length}`);
      }
      yield { line: start, values, columns };
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(path, lineNo || undefined, undefined, `cannot read: ${(e as Error).message}`);
  }
  if (pending) throw new DataError(path, pendingStart, undefined, 'unterminated quoted field');
}
