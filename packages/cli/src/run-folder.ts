import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { configDifferences, readModelJson, resolveFolder, UsageError } from '@polytask/core';

/** What `train` writes into `--out` (and `report` beside it): the entries that make a folder hold a run. */
const RUN_ENTRIES = ['checkpoint', 'model', 'metrics.json', 'history.jsonl', 'config.resolved.json', 'report'];

/** The run entries present in `dir`, including the temp and moved-aside copies of interrupted writes. */
export function runEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  if (!statSync(dir).isDirectory()) throw new UsageError(`--out ${dir} is a file, not a folder`);
  return readdirSync(dir).filter((f) => RUN_ENTRIES.includes(f) || RUN_ENTRIES.some((e) => f.startsWith(`.${e}.`)));
}

export interface OutFolderPlan {
  readonly dir: string;
  readonly resume: boolean;
  /** Run entries `--overwrite` removes before the new run writes (once config and data are known good). */
  readonly clear: readonly string[];
}

/**
 * The output-folder rule of `train`: a folder that holds another run is refused unless `--resume` (continue it:
 * it must have a checkpoint written by the same resolved config) or `--overwrite` (clear it first). Only reads.
 */
export function planOutFolder(dir: string, flags: { resume: boolean; overwrite: boolean }, config: unknown): OutFolderPlan {
  if (flags.resume && flags.overwrite) throw new UsageError('--resume and --overwrite exclude each other');
  const entries = runEntries(dir);
  if (flags.resume) {
    const checkpoint = resolveFolder(join(dir, 'checkpoint'));
    if (!checkpoint) {
      throw new UsageError(
        `--resume: ${dir} has no checkpoint/ to continue${entries.length > 0 ? '' : ' (no run there yet: train without --resume)'}`,
      );
    }
    const saved = readModelJson(checkpoint).config;
    const differences = configDifferences(saved, config);
    if (differences.length > 0) {
      throw new UsageError(
        `--resume: ${checkpoint} was written by a different config (${differences.join('; ')}); resume with the same config and flags, or start over with --overwrite`,
      );
    }
    return { dir, resume: true, clear: [] };
  }
  if (entries.length > 0 && !flags.overwrite) {
    const shown = entries.filter((e) => !e.startsWith('.')).map((e) => (e.includes('.') ? e : `${e}/`));
    throw new UsageError(
      `--out ${dir} already holds a run (${(shown.length > 0 ? shown : entries).join(', ')}); continue it with --resume, or replace it with --overwrite`,
    );
  }
  return { dir, resume: false, clear: entries };
}

/** Removes the run entries of a plan (`--overwrite`); anything else in the folder is left alone. */
export function clearRun(plan: OutFolderPlan): void {
  for (const e of plan.clear) rmSync(join(plan.dir, e), { recursive: true, force: true });
}
