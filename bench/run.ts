/**
 * `npm run bench -- <model> [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu] [--no-pytorch] [--profile]`
 *
 * Runs the PyTorch reference (/usr/bin/python3 <peers>/<model>.py <config>) and then the same model built with
 * Polytask's layers on the selected TensorFlow.js backend, from the same config, with the same warmup/steps, and
 * prints as its LAST line: {"model","ours_ms_per_step_median","pytorch_ms_per_step_median","ratio",...}.
 * Peers directory: $POLYTASK_PEERS, else ../shared/peers relative to the repository root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../packages/core/src/backend/index.js';
import { median, type Workload } from './common.js';

const MODELS = ['recsys-mmoe', 'nlp-joint-bilstm', 'vision-det-seg'] as const;
type ModelName = (typeof MODELS)[number];

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const err = (msg: string) => process.stderr.write(`${msg}\n`);

function usage(msg?: string): never {
  if (msg) err(msg);
  err(`usage: npm run bench -- <${MODELS.join('|')}> [--backend NAME] [--no-pytorch] [--profile] [--warmup N --steps N]`);
  process.exit(2);
}

function runPytorch(peers: string, file: string, configPath: string): number | null {
  const python = process.env.POLYTASK_PYTHON ?? '/usr/bin/python3';
  const res = spawnSync(python, [path.join(peers, `${file}.py`), configPath], { cwd: peers, encoding: 'utf8' });
  const line = (res.stdout ?? '')
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{') && l.includes('"peer"'));
  if (res.status !== 0 || !line) {
    err(
      `PyTorch reference failed (exit ${res.status}): ${(res.stderr ?? res.error?.message ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    );
    err('  install it once with: apt-get install -y python3-torch   (or pass --no-pytorch)');
    return null;
  }
  console.log(line.trim());
  return (JSON.parse(line) as { ms_per_step_median: number }).ms_per_step_median;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const valued = new Set(['--backend', '--steps', '--warmup']);
  const model = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? '')) as ModelName | undefined;
  if (!model || !(MODELS as readonly string[]).includes(model)) usage(model ? `unknown model '${model}'` : undefined);
  const bi = args.indexOf('--backend');
  const backend = bi >= 0 ? args[bi + 1] : undefined;
  const file = model.replace(/-/g, '_');
  const peers = process.env.POLYTASK_PEERS ?? path.resolve(repoRoot, '..', 'shared', 'peers');
  const configPath = path.join(peers, 'configs', `${file}.json`);
  if (!existsSync(configPath)) usage(`config not found: ${configPath} (set POLYTASK_PEERS)`);
  const cfg = JSON.parse(readFileSync(configPath, 'utf8')) as { warmup_steps: number; steps: number; batch: number };
  const num = (flag: string) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : undefined;
  };
  // --warmup / --steps: quick checks only (the comparison uses the config's values for both sides).
  const warmup = num('--warmup') ?? cfg.warmup_steps;
  const steps = num('--steps') ?? cfg.steps;

  const pytorchMs = args.includes('--no-pytorch') ? null : runPytorch(peers, file, configPath);

  const info = await selectBackend({ backend });
  const mod = (await import(`./models/${model}.js`)) as { build(c: unknown): Workload };
  const work = mod.build(cfg);
  let loss = Number.NaN;
  for (let i = 0; i < warmup; i++) loss = work.step();
  const tensorsBefore = tf.memory().numTensors;
  const times: number[] = [];
  for (let i = 0; i < steps; i++) {
    const t = performance.now();
    loss = work.step();
    times.push(performance.now() - t);
  }
  const leaked = tf.memory().numTensors - tensorsBefore;
  const ours = median(times);
  console.log(
    JSON.stringify({
      peer: 'polytask',
      tfjs: tf.version.tfjs,
      backend: info.name,
      fast_kernels: info.fastKernels,
      model,
      batch: cfg.batch,
      ms_per_step_median: Number(ours.toFixed(3)),
      samples_per_s: Number((cfg.batch / (ours / 1000)).toFixed(1)),
      loss: Number(loss.toFixed(5)),
      leaked_tensors_per_run: leaked,
    }),
  );

  if (args.includes('--profile')) {
    const prof = await tf.profile(() => {
      work.step();
    });
    const byKernel = new Map<string, { ms: number; n: number }>();
    let total = 0;
    for (const k of prof.kernels) {
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      total += ms;
      const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += ms;
      e.n++;
      byKernel.set(k.name, e);
    }
    err(`profile (one step, ${prof.kernels.length} kernel calls, ${total.toFixed(1)} ms inside kernels):`);
    for (const [name, e] of [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, 20)) {
      err(`  ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(8)} ms  ${String(e.n).padStart(6)} calls`);
    }
  }
  work.dispose();

  console.log(
    JSON.stringify({
      model,
      ours_ms_per_step_median: Number(ours.toFixed(3)),
      pytorch_ms_per_step_median: pytorchMs,
      ratio: pytorchMs ? Number((ours / pytorchMs).toFixed(3)) : null,
      backend: info.name,
      fast_kernels: info.fastKernels,
    }),
  );
}

await main();
