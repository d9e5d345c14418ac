#!/usr/bin/env node
// tsc does not set the executable bit, and npm only sets it on bins that exist at install time (before the first
// build), so `npx polytask-<domain>` needs this after every build.
import { chmodSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
for (const group of ['apps', 'packages']) {
  for (const name of readdirSync(join(root, group))) {
    const manifest = join(root, group, name, 'package.json');
    if (!existsSync(manifest)) continue;
    const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
    const targets = typeof bin === 'string' ? [bin] : Object.values(bin ?? {});
    for (const target of targets) {
      const file = join(root, group, name, target);
      if (existsSync(file)) chmodSync(file, 0o755);
    }
  }
}
