#!/usr/bin/env node
// The installed command. It lives outside dist/ so that npm links it at install time, before `tsc -b` has built
// dist/main.js (npm skips bins whose file does not exist yet).
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('polytask-nlp: error: not built yet; run `npm run build` (or scripts/setup.sh) in the repository\n');
  process.exit(1);
}
await import(main.href);
