// Writes schema/run-config.schema.json from the built zod schemas (run by `npm run build`; a test checks that the
// committed file is what the sources generate).
import { mkdirSync, writeFileSync } from 'node:fs';
import { visionRunConfigJsonSchema } from '../dist/index.js';

const dir = new URL('../schema/', import.meta.url);
mkdirSync(dir, { recursive: true });
writeFileSync(new URL('run-config.schema.json', dir), `${JSON.stringify(visionRunConfigJsonSchema(), null, 2)}\n`);
