#!/usr/bin/env node
// Lives outside dist/ so npm links it before the first build.
import { existsSync } from 'node:fs';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('polytask-forecast: error: not built yet; run `npm run build` in the repository\n');
  process.exit(1);
}
await import(main.href);
