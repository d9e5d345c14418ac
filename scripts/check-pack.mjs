#!/usr/bin/env node
// Packs every published package with `npm pack` and lints each tarball the way a registry user would receive it:
// publint (strict: warnings fail) and, for packages with an `exports` map, arethetypeswrong with the ESM-only
// profile (the packages are ESM-only on purpose: Node 20.19+ can require() them).
// Usage: node scripts/check-pack.mjs [--out DIR]   (DIR keeps the tarballs; default: a temporary folder)
// Prints one JSON line {"tarballs": {"<package name>": "<path>"}} on stdout; exits 1 when a check fails.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
/** What is published: every library package and the command-line app(s) built so far. */
export const PUBLISHED = [
  'packages/core',
  'packages/cpu-kernels',
  'packages/cli',
  'packages/recsys',
  'packages/report',
  'packages/nlp',
  'packages/vision',
  'apps/recsys',
  'apps/nlp',
  'apps/vision',
];

const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? resolve(process.argv[outArg + 1]) : mkdtempSync(join(tmpdir(), 'polytask-pack-'));
mkdirSync(out, { recursive: true });

const bin = (name) => join(root, 'node_modules', '.bin', name);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', out, ...PUBLISHED.flatMap((p) => ['-w', p])]));
const tarballs = {};
let failed = false;
for (const [i, entry] of packed.entries()) {
  const dir = PUBLISHED[i];
  const pkg = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
  const file = join(out, entry.filename);
  tarballs[entry.name] = file;
  const checks = [[bin('publint'), ['run', '--strict', '--pack', 'false', file]]];
  if (pkg.exports) checks.push([bin('attw'), [file, '--profile', 'esm-only', '--format', 'ascii', '--no-emoji']]);
  for (const [cmd, args] of checks) {
    try {
      run(cmd, args);
    } catch (e) {
      failed = true;
      process.stderr.write(`check-pack: ${entry.name}: ${cmd.split('/').pop()} failed\n${e.stdout ?? ''}${e.stderr ?? ''}\n`);
    }
  }
}
process.stdout.write(`${JSON.stringify({ tarballs })}\n`);
process.exit(failed ? 1 : 0);
