import type { DomainAdapter } from '@polytask/core';
import { type DomainCliOptions, runDomainCli } from './run-domain-cli.js';

/** What one in-process run of a domain app printed, and its exit code. */
export interface CapturedRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `polytask-<domain> ARGS` in this process, as the app's bin does, capturing what it writes to stdout and
 * stderr: how the apps' tests drive them without a child process per command.
 */
export async function runCaptured<P>(domain: DomainAdapter<P>, args: readonly string[], options?: DomainCliOptions): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runDomainCli(domain, ['node', `polytask-${domain.name}`, ...args], options);
    return { code, stdout, stderr };
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
}
