import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

function writeSynced(path: string, data: string | Uint8Array): void {
  writeFileSync(path, data);
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Writes one file atomically: temp file in the same folder, fsync, rename over the target. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  writeSynced(tmp, data);
  renameSync(tmp, path);
  removeLeftovers(path);
}

/**
 * Removes what interrupted writes of `path` left beside it (`.NAME.tmp-PID`, `.NAME.old-PID`): called once a write
 * of `path` has finished, when they can only be stale.
 */
export function removeLeftovers(path: string): void {
  const parent = dirname(path);
  if (!existsSync(parent)) return;
  const prefixes = [`.${basename(path)}.tmp-`, `.${basename(path)}.old-`];
  for (const f of readdirSync(parent)) {
    if (prefixes.some((p) => f.startsWith(p))) rmSync(join(parent, f), { recursive: true, force: true });
  }
}

/**
 * Writes a folder of files so that readers see either the old folder or the new one, never a mix: the files
 * go to a temp folder, then the old folder is moved aside, the new one renamed in and the old one removed.
 * If the process dies between the two renames, `resolveFolder` finds the moved-aside copy.
 */
export function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  const parent = dirname(dir);
  mkdirSync(parent, { recursive: true });
  const tmp = join(parent, `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  for (const [name, data] of Object.entries(files)) writeSynced(join(tmp, name), data);
  const old = join(parent, `.${basename(dir)}.old-${process.pid}`);
  const hadOld = existsSync(dir);
  if (hadOld) renameSync(dir, old);
  renameSync(tmp, dir);
  if (hadOld) rmSync(old, { recursive: true, force: true });
  removeLeftovers(dir);
}

/**
 * Finishes what an interrupted `writeFolderAtomic` of `dir` left: a moved-aside copy is renamed back when `dir` is
 * missing (the crash fell between the two renames), then every leftover temp or old copy is removed. For the
 * writer of `dir` (a resumed run), never for readers.
 */
export function recoverFolder(dir: string): void {
  const aside = existsSync(dir) ? undefined : resolveFolder(dir);
  if (aside) renameSync(aside, dir);
  removeLeftovers(dir);
}

/** The folder to read: `dir`, or its moved-aside copy when a write was interrupted between renames. */
export function resolveFolder(dir: string): string | undefined {
  if (existsSync(dir)) return dir;
  const parent = dirname(dir);
  if (!existsSync(parent)) return undefined;
  const aside = readdirSync(parent).find((f) => f.startsWith(`.${basename(dir)}.old-`));
  return aside ? join(parent, aside) : undefined;
}
