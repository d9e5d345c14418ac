// Ctrl-C during `train` checkpoints the exact position and exits 130; the same command with --resume finishes the run
// without repeating or skipping a step. (That the resumed losses equal an uninterrupted run's is core's trainer test.)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const APP = resolve(import.meta.dirname, '..');
const REPO = resolve(APP, '../..');
const work = mkdtempSync(join(tmpdir(), 'recsys-interrupt-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const EPOCHS = 12;
const STEPS_PER_EPOCH = 32; // 4,000 demo training rows in batches of 128

// The demo config without its early stopping, so the run is long enough to interrupt on a slow machine too.
const config = join(work, 'demo-no-early-stop.yaml');
writeFileSync(
  config,
  readFileSync(join(APP, 'configs/demo.yaml'), 'utf8')
    .split('\n')
    .filter((l) => !l.includes('earlyStopping'))
    .join('\n'),
);

function train(out: string, extra: string[] = []) {
  const args = ['--conditions=@polytask/source', '--import', 'tsx', join(APP, 'src/main.ts'), 'train'];
  args.push('--config', config, '--data', join(REPO, 'datasets/recsys/demo'), '--out', out, '--epochs', String(EPOCHS), ...extra);
  const child = spawn(process.execPath, args, { cwd: REPO, env: { ...process.env, POLYTASK_LOG: 'info' } });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  const done = new Promise<{ code: number | null; stderr: () => string }>((res) =>
    child.on('close', (code) => res({ code, stderr: () => stderr })),
  );
  return { child, done };
}

const stepLines = (out: string): number[] =>
  readFileSync(join(out, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; step?: number })
    .filter((r) => r.type === 'step')
    .map((r) => r.step!);

describe('polytask-recsys train, interrupted and resumed', () => {
  it('SIGINT checkpoints and exits 130; --resume completes every step exactly once', { timeout: 300_000 }, async () => {
    const out = join(work, 'run');
    const first = train(out);
    // Interrupt once training is under way (past the first epoch's step lines).
    await new Promise<void>((res, rej) => {
      const timer = setInterval(() => {
        // Count without parsing: the file may end in a half-written line while training runs.
        const history = join(out, 'history.jsonl');
        if (existsSync(history) && (readFileSync(history, 'utf8').match(/"type":"step"/g)?.length ?? 0) > STEPS_PER_EPOCH) {
          clearInterval(timer);
          first.child.kill('SIGINT');
          res();
        }
      }, 50);
      first.done.then(() => {
        clearInterval(timer);
        rej(new Error('training ended before it could be interrupted'));
      });
    });
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr()).toMatch(/interrupted at step (\d+); continue with the same command and --resume/);
    expect(existsSync(join(out, 'checkpoint', 'state.json'))).toBe(true);
    expect(existsSync(join(out, 'metrics.json'))).toBe(false);
    const stoppedAt = Number(/interrupted at step (\d+)/.exec(interrupted.stderr())![1]);
    expect(stoppedAt).toBeLessThan(EPOCHS * STEPS_PER_EPOCH);

    const resumed = await train(out, ['--resume']).done;
    expect(resumed.code).toBe(0);
    const steps = stepLines(out);
    expect(steps).toEqual(Array.from({ length: steps.length }, (_, i) => i)); // no step repeated or skipped
    const metrics = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as { epochs: number; tasks: Record<string, unknown> };
    expect(Object.keys(metrics.tasks)).toEqual(['ctr', 'cvr', 'ctcvr']);
    expect(metrics.epochs).toBe(EPOCHS);
    expect(steps.length).toBe(EPOCHS * STEPS_PER_EPOCH);
  });
});
