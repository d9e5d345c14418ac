/**
 * `npm run bench:mpi -- [--np N] [--pairs K] [--epochs E] [--app recsys] [--config FILE]`
 *
 * Training throughput of data parallelism over MPI against one process, on the census-income MMoE config
 * (apps/recsys/configs/census-income.yaml, the full data in ../shared/datasets/census-income-kdd): K interleaved
 * pairs of `polytask-<app> train` (apps/<app>/src/main.ts) on one process and under `mpirun -np N`, each with the machine's cores split
 * fairly: the one process gets every core for its native kernels (OPENBLAS_NUM_THREADS = cores), each rank
 * floor(cores / N) (what the CLI sets under mpirun). The figure is the last epoch's training samples/s (the
 * progress line at its last logged batch: steps only, no validation), global samples for the MPI run; the last line
 * printed is {"np","single_samples_per_s_median","mpi_samples_per_s_median","ratio_median",...}.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './common.js';

const repo = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
};
const np = Number(arg('np', '2'));
const pairs = Number(arg('pairs', '3'));
const epochs = Number(arg('epochs', '2'));
const app = arg('app', 'recsys');
const config = path.resolve(arg('config', path.join(repo, 'apps/recsys/configs/census-income.yaml')));
const cores = availableParallelism();
const threadVars = (n: number) => ({
  OPENBLAS_NUM_THREADS: String(n),
  OMP_NUM_THREADS: String(n),
  POLYTASK_THREADS: String(n),
});

/** Samples/s of the last epoch's last progress line, from a training command's stderr. */
async function trainRate(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const out = mkdtempSync(path.join(tmpdir(), 'bench-mpi-'));
  const child = spawn(command, [...args, '--config', config, '--out', out, '--epochs', String(epochs)], {
    cwd: repo,
    env: { ...process.env, POLYTASK_LOG: 'info', ...env },
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += String(d);
  });
  child.stdout.resume();
  const code = await new Promise<number | null>((res) => child.on('close', res));
  rmSync(out, { recursive: true, force: true });
  if (code !== 0) throw new Error(`${command} exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`);
  const lines = stderr.split('\n').filter((l) => l.startsWith(`epoch ${epochs}/${epochs} batch `));
  const rate = /(\d+) samples\/s/.exec(lines.at(-1) ?? '')?.[1];
  if (!rate) throw new Error(`no progress line of epoch ${epochs} in the output:\n${stderr}`);
  return Number(rate);
}

const node = [process.execPath, '--conditions=@polytask/source', '--import', 'tsx', path.join(repo, 'apps', app, 'src/main.ts'), 'train'];
const single = () => trainRate(node[0]!, [...node.slice(1), '--distributed', 'none'], threadVars(cores));
const mpi = () =>
  trainRate(
    'mpirun',
    ['--allow-run-as-root', '--oversubscribe', '-np', String(np), '--bind-to', 'none', ...node],
    threadVars(Math.max(1, Math.floor(cores / np))),
  );

process.stderr.write(
  `[bench:mpi] ${path.relative(repo, config)}, ${epochs} epochs, ${pairs} pairs; ${cores} cores: one process × ${cores} threads vs ${np} ranks × ${Math.max(1, Math.floor(cores / np))}; load ${loadavg()[0]!.toFixed(1)}\n`,
);
const rows: Array<{ single: number; mpi: number; ratio: number; load: number }> = [];
for (let p = 0; p < pairs; p++) {
  const load = loadavg()[0]!;
  const s = await single();
  const m = await mpi();
  rows.push({ single: s, mpi: m, ratio: m / s, load });
  process.stderr.write(
    `[bench:mpi] pair ${p + 1}: one process ${s} samples/s, -np ${np} ${m} samples/s, ratio ${(m / s).toFixed(2)} (load ${load.toFixed(1)})\n`,
  );
}
process.stdout.write(
  `${JSON.stringify({
    np,
    cores,
    epochs,
    single_samples_per_s_median: median(rows.map((r) => r.single)),
    mpi_samples_per_s_median: median(rows.map((r) => r.mpi)),
    ratio_median: Math.round(median(rows.map((r) => r.ratio)) * 100) / 100,
    pairs: rows,
  })}\n`,
);
