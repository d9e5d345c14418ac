// Ships @polytask/vision' run-config JSON Schema beside the configs (schema/, referenced by configs/*.yaml for
// editor completion), so the reference resolves in the repository and in the installed package alike.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const source = createRequire(import.meta.url).resolve('@polytask/vision/schema/run-config.schema.json');
mkdirSync(new URL('../schema/', import.meta.url), { recursive: true });
copyFileSync(source, new URL('../schema/run-config.schema.json', import.meta.url));
