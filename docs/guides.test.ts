// Every guide's code is real: the ```ts blocks of each docs/guides/*.md are joined into one module, type-checked
// with tsc against the built packages (turbo builds them first), and run with tsx; the samples assert their own
// known answers (node:assert), so a sample that drifts from the API or stops learning fails here.
import { execFile } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const DOCS = import.meta.dirname;
const REPO = join(DOCS, '..');
const SAMPLES = join(DOCS, '.samples');
const guides = readdirSync(join(DOCS, 'guides')).filter((f) => f.endsWith('.md'));

/** The ```ts blocks of a markdown file, in order. */
export function codeBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
}

beforeAll(() => {
  rmSync(SAMPLES, { recursive: true, force: true });
  mkdirSync(SAMPLES);
  for (const guide of guides) {
    const blocks = codeBlocks(readFileSync(join(DOCS, 'guides', guide), 'utf8'));
    writeFileSync(join(SAMPLES, guide.replace(/\.md$/, '.ts')), `${blocks.join('\n')}\nexport {};\n`);
  }
});

describe('guides', () => {
  it('cover adding a head, a weighting, an architecture, a trunk and a metric, each with code', () => {
    expect(guides.sort()).toEqual(['architecture.md', 'metric.md', 'task-head.md', 'trunk.md', 'weighting.md']);
    for (const guide of guides) expect(codeBlocks(readFileSync(join(DOCS, 'guides', guide), 'utf8')).length).toBeGreaterThan(0);
  });

  it('samples type-check', async () => {
    const tsc = join(REPO, 'node_modules/.bin/tsc');
    const result = await run(tsc, ['-p', join(DOCS, 'tsconfig.samples.json')], { cwd: DOCS }).catch((e: { stdout: string }) => e);
    expect(result.stdout).toBe('');
  });

  it.each(guides)('%s runs to the end with its assertions holding', async (guide) => {
    const file = join(SAMPLES, guide.replace(/\.md$/, '.ts'));
    const { stderr } = await run(process.execPath, ['--import', 'tsx', file], {
      cwd: DOCS,
      env: { ...process.env, POLYTASK_LOG: 'silent' },
    });
    // Nothing but tfjs' "looks like you are running TensorFlow.js in Node.js" banner (cpu backend) on stderr.
    const banner = /^(=+|Hi, looks like you are running TensorFlow\.js in Node\.js.*|)$/;
    expect(stderr.split('\n').filter((line) => !banner.test(line))).toEqual([]);
  });
});
