import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticRun } from '../test/synthetic-run.js';
import type { ReportSummary } from './summary.js';
import { writeReport } from './write-report.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'polytask-report-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('writeReport', () => {
  it('writes four valid PNGs, report.md referencing them and summary.json', async () => {
    const run = join(root, 'run');
    await writeSyntheticRun(run, { adaptiveWeights: true, steps: 400, epochs: 4, cosineEvery: 10 });
    const out = join(root, 'out');
    const result = await writeReport(run, out);
    expect(result.pngFiles.map((f) => f.slice(out.length + 1))).toEqual(['loss.png', 'weights.png', 'conflict.png', 'metrics.png']);
    for (const file of result.pngFiles) {
      const meta = await sharp(file).metadata();
      expect(meta.format).toBe('png');
      expect(meta.width).toBeGreaterThan(0);
      expect(meta.height).toBeGreaterThan(0);
    }
    const md = await readFile(join(out, 'report.md'), 'utf8');
    for (const png of ['loss.png', 'weights.png', 'conflict.png', 'metrics.png']) expect(md).toContain(`](${png})`);
    expect(md).toContain('| income | **0.9** | 0.33 |');
    expect(md).toContain('| backend | wasm |');
    expect(md).toContain('| weighting | DWA |');
    const summary = JSON.parse(await readFile(join(out, 'summary.json'), 'utf8')) as ReportSummary;
    expect(summary).toMatchObject({ run: 'run', bestEpoch: 4, monitor: 'income/auc', finalMetricsSplit: 'test', steps: 400, epochs: 4 });
    // best epoch 4 (1-based) is history's epoch index 3: val income/auc = 0.8 + 0.03·3
    expect(summary.bestEpochValidation?.income?.auc).toBeCloseTo(0.89, 10);
    expect(summary.finalMetrics.income).toEqual({ auc: 0.9, logloss: 0.33 });
    expect(Object.keys(summary.finalWeights)).toEqual(['income', 'never_married']);
    expect(summary.cosines).toHaveLength(1);
    expect(summary.cosines[0]).toMatchObject({ a: 'income', b: 'never_married', samples: 40 });
    expect(summary.cosines[0]!.min).toBeLessThanOrEqual(summary.cosines[0]!.mean);
  });

  it('defaults to RUN/report, skips charts without data and says so', async () => {
    const run = join(root, 'bare');
    await writeSyntheticRun(run, { cosineEvery: 0, validation: false, metricsJson: false, steps: 60 });
    // a stale chart from an earlier report must not survive
    await writeReport(join(root, 'run'), join(run, 'report'));
    expect(existsSync(join(run, 'report', 'conflict.png'))).toBe(true);
    const result = await writeReport(run);
    expect(result.outDir).toBe(join(run, 'report'));
    expect(existsSync(join(run, 'report', 'conflict.png'))).toBe(false);
    expect(existsSync(join(run, 'report', 'metrics.png'))).toBe(false);
    expect(result.summary.charts.conflict).toEqual({ skipped: expect.stringContaining('no gradient cosines') });
    const md = await readFile(join(run, 'report', 'report.md'), 'utf8');
    expect(md).toContain('_Chart skipped: history.jsonl has no gradient cosines');
    expect(md).toContain('_Chart skipped: history.jsonl has no validation metrics');
    expect(md).toContain('](loss.png)');
    expect(md).toContain('_No final metrics');
    expect(result.summary.bestEpoch).toBeNull();
  });

  it('reports a bad history line by file and line', async () => {
    const run = join(root, 'broken');
    await writeSyntheticRun(run, { steps: 10, epochs: 1 });
    const file = join(run, 'history.jsonl');
    const lines = (await readFile(file, 'utf8')).split('\n');
    lines[3] = '{"type":"step","step":3,';
    await writeFile(file, lines.join('\n'));
    await expect(writeReport(run)).rejects.toThrow(`${file}:4: not valid JSON`);
  });

  it('fails clearly on a folder with no history.jsonl', async () => {
    await expect(writeReport(join(root, 'nothing-here'))).rejects.toThrow(/history\.jsonl: not found/);
  });
});
