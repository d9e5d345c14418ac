// Acceptance run of the shipped census-income config: test AUC income ≥ 0.945, never_married ≥ 0.993. Reads
// ../shared/datasets/census-income-kdd, which CI provides; about a minute on 2 cores (its speed is reported in the
// app README, not asserted here).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runDomainCli } from '@polytask/cli';
import { recsysDomain } from '@polytask/recsys';
import { afterAll, describe, expect, it } from 'vitest';

const APP = resolve(import.meta.dirname, '..');
const CENSUS = resolve(APP, '../../../shared/datasets/census-income-kdd');
const out = mkdtempSync(join(tmpdir(), 'census-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!existsSync(CENSUS))('census-income.yaml (MMoE) on census-income-kdd', () => {
  it('reaches test AUC income ≥ 0.945 and never_married ≥ 0.993', { timeout: 900_000 }, async () => {
    const code = await runDomainCli(recsysDomain, [
      'node',
      'polytask-recsys',
      'train',
      '--config',
      join(APP, 'configs/census-income.yaml'),
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
      split: string;
      tasks: Record<string, Record<string, number>>;
    };
    expect(metrics.split).toBe('test');
    expect(metrics.tasks.income!.auc).toBeGreaterThanOrEqual(0.945);
    expect(metrics.tasks.never_married!.auc).toBeGreaterThanOrEqual(0.993);
  });
});
