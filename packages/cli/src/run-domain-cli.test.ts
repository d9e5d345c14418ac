import type { DomainAdapter } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { runCaptured } from './run-captured.js';
import { ENVIRONMENT_HELP, type runDomainCli } from './run-domain-cli.js';

const domain: DomainAdapter = {
  name: 'toy',
  loadData: () => Promise.reject(new Error('not used')),
  serializePreprocessing: (p) => p,
  parsePreprocessing: (json) => json,
  createTasks: () => [],
  encodeRecords: () => ({ inputs: {} }),
};

/** Runs the app in this process; what it wrote to stdout, then stderr. */
async function run(args: string[], options: Parameters<typeof runDomainCli>[2] = {}): Promise<{ code: number; out: string }> {
  const { code, stdout, stderr } = await runCaptured(domain, args, options);
  return { code, out: stdout + stderr };
}

describe('runDomainCli', () => {
  it('--version prints the version it is given', async () => {
    expect(await run(['--version'], { version: '1.2.3' })).toEqual({ code: 0, out: '1.2.3\n' });
  });

  it('--help lists the commands, examples and every environment variable', async () => {
    const { code, out } = await run(['--help'], { examples: ['polytask-toy train --config x.yaml --out runs/x'] });
    expect(code).toBe(0);
    for (const command of ['train', 'eval', 'predict']) expect(out).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect(out).not.toMatch(/^ {2}report /m);
    expect(out).toContain('Examples:\n  $ polytask-toy train --config x.yaml --out runs/x');
    for (const [name] of ENVIRONMENT_HELP) expect(out).toContain(name);
    expect(out).toContain('Exit codes: 0 success');
  });

  it('list prints every registered family with options and defaults, and --json the same as data', async () => {
    const text = await run(['list']);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/^architectures \(model\.architecture\.type\):$/m);
    expect(text.out).toMatch(/^ {2}mmoe\n {4}experts: integer = 4$/m);
    for (const family of ['trunks', 'heads', 'tasks', 'weightings', 'metrics']) expect(text.out).toMatch(new RegExp(`^${family} \\(`, 'm'));
    const json = JSON.parse((await run(['list', '--json'])).out) as { weightings: { name: string }[] };
    expect(json.weightings.map((w) => w.name)).toContain('PCGrad');
  });

  it('an unknown command is bad usage (exit 2)', async () => {
    expect((await run(['fly'])).code).toBe(2);
  });
});
