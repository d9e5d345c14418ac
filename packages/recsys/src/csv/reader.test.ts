import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DataError } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { type CsvOptions, type CsvRow, readCsv, splitRecord } from './reader.js';

const dir = mkdtempSync(join(tmpdir(), 'recsys-csv-'));
let n = 0;
function file(text: string | Buffer, ext = '.csv'): string {
  const path = join(dir, `f${n++}${ext}`);
  writeFileSync(path, text);
  return path;
}

async function all(path: string, options?: CsvOptions): Promise<CsvRow[]> {
  const rows: CsvRow[] = [];
  for await (const row of readCsv(path, options)) rows.push(row);
  return rows;
}

describe('splitRecord', () => {
  it('splits plain fields, keeps empty ones, trims on request', () => {
    expect(splitRecord('a,b,,d', ',', '"', false)).toEqual(['a', 'b', '', 'd']);
    expect(splitRecord('38, Private, ?, - 50000.', ',', '"', true)).toEqual(['38', 'Private', '?', '- 50000.']);
  });

  it('reads quoted fields with delimiters and doubled quotes inside', () => {
    expect(splitRecord('1,"a, b","say ""hi""",x', ',', '"', false)).toEqual(['1', 'a, b', 'say "hi"', 'x']);
    expect(splitRecord('"",""', ',', '"', false)).toEqual(['', '']);
    expect(splitRecord('1, "q, r" ,2', ',', '"', true)).toEqual(['1', 'q, r', '2']);
  });

  it('returns null while a quoted field is open', () => {
    expect(splitRecord('1,"open', ',', '"', false)).toBeNull();
  });

  it('supports another delimiter', () => {
    expect(splitRecord('a\tb\t"c\td"', '\t', '"', false)).toEqual(['a', 'b', 'c\td']);
  });
});

describe('readCsv', () => {
  it('uses the header, numbers data rows by their 1-based line, skips blank lines', async () => {
    const rows = await all(file('x,y\n1,2\n\n3,4'));
    expect(rows.map((r) => [r.line, r.values])).toEqual([
      [2, ['1', '2']],
      [4, ['3', '4']],
    ]);
    expect(rows[0]!.columns).toEqual(['x', 'y']);
  });

  it('keeps a tab-separated row of empty fields (not a blank line)', async () => {
    const rows = await all(file('a\tb\n1\t2\n\t\n  \n3\t4\n'), { delimiter: '\t' });
    expect(rows.map((r) => [r.line, r.values])).toEqual([
      [2, ['1', '2']],
      [3, ['', '']],
      [5, ['3', '4']],
    ]);
  });

  it('takes configured names without a header, and renames a header', async () => {
    const noHeader = await all(file('1;2\n3;4\n'), { header: false, columns: ['a', 'b'], delimiter: ';' });
    expect(noHeader.map((r) => r.line)).toEqual([1, 2]);
    expect(noHeader[1]!.columns).toEqual(['a', 'b']);
    const renamed = await all(file('x,y\n1,2\n'), { columns: ['a', 'b'] });
    expect(renamed[0]!.columns).toEqual(['a', 'b']);
    await expect(all(file('x,y,z\n1,2,3\n'), { columns: ['a', 'b'] })).rejects.toThrow(/line 1.*header has 3 columns/);
  });

  it('reads gzip files (by extension) and handles CRLF and a BOM', async () => {
    const path = file(gzipSync(Buffer.from('\ufeffa,b\r\n1,"x\r\ny"\r\n2,z\r\n')), '.csv.gz');
    const rows = await all(path);
    expect(rows.map((r) => [r.line, r.values])).toEqual([
      [2, ['1', 'x\ny']],
      [4, ['2', 'z']],
    ]);
    expect(rows[0]!.columns).toEqual(['a', 'b']);
  });

  it('reports a wrong field count with file and line', async () => {
    const path = file('a,b\n1,2\n1,2,3\n');
    const err = await all(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(`${path}, line 3: expected 2 fields, found 3`);
  });

  it('reports an unterminated quote at the line it starts on', async () => {
    await expect(all(file('a,b\n1,2\n3,"never closed\n4,5\n'))).rejects.toThrow(/line 3: unterminated quoted field/);
  });

  it('reports an unreadable file and a corrupt gzip as DataErrors', async () => {
    await expect(all(join(dir, 'missing.csv'))).rejects.toBeInstanceOf(DataError);
    await expect(all(file('not gzip at all', '.gz'))).rejects.toThrow(/cannot read/);
    await expect(all(file('1,2\n'), { header: false })).rejects.toThrow(/no header and no column names/);
  });

  it('skips leading lines (a title) and comment lines anywhere, counting lines as the file does', async () => {
    const path = file('Export of 2026-12-01\n# columns below\na,b\n1,2\n# a note\n3,"x\n# not a comment: inside quotes"\n# 2 rows\n');
    const rows = await all(path, { skipLines: 1, comment: '#' });
    expect(rows.map((r) => [r.line, r.values])).toEqual([
      [4, ['1', '2']],
      [6, ['3', 'x\n# not a comment: inside quotes']],
    ]);
    expect(rows[0]!.columns).toEqual(['a', 'b']);
    // without the options the title is the header and the comment a short row
    await expect(all(path)).rejects.toThrow(`${path}, line 3: expected 1 fields, found 2`);
  });
});
