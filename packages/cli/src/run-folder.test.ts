import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { clearRun, planOutFolder, runEntries } from './run-folder.js';

const fresh = () => mkdtempSync(join(tmpdir(), 'polytask-out-'));

describe('the output folder of train', () => {
  it('takes a new or unrelated folder, refuses one holding a run unless --overwrite, which clears only the run', () => {
    const dir = fresh();
    writeFileSync(join(dir, 'notes.txt'), 'mine');
    expect(planOutFolder(dir, { resume: false, overwrite: false }, {}).clear).toEqual([]);
    expect(planOutFolder(join(dir, 'new'), { resume: false, overwrite: false }, {}).clear).toEqual([]);
    writeFileSync(join(dir, 'metrics.json'), '{}');
    mkdirSync(join(dir, 'checkpoint'));
    mkdirSync(join(dir, '.model.tmp-123'));
    expect(runEntries(dir).sort()).toEqual(['.model.tmp-123', 'checkpoint', 'metrics.json']);
    expect(() => planOutFolder(dir, { resume: false, overwrite: false }, {})).toThrow(
      /already holds a run \(checkpoint\/, metrics\.json\); continue it with --resume, or replace it with --overwrite/,
    );
    clearRun(planOutFolder(dir, { resume: false, overwrite: true }, {}));
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });

  it('--resume needs a checkpoint; flags that exclude each other are a usage error', () => {
    const dir = fresh();
    expect(() => planOutFolder(dir, { resume: true, overwrite: false }, {})).toThrow(/--resume: .* has no checkpoint\//);
    expect(() => planOutFolder(dir, { resume: true, overwrite: true }, {})).toThrow('--resume and --overwrite exclude each other');
    try {
      planOutFolder(dir, { resume: true, overwrite: true }, {});
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
    }
  });
});
