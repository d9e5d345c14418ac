/**
 * `npm run bench -- <model> [--pairs N] [--backend auto|wasm|cpu|tensorflow|tensorflow-gpu] [--no-pytorch] [--profile]
 *                            [--warmup N --steps N]`
 *
 * The benchmark protocol for a shared, noisy machine: N interleaved pairs (default 3) in one command — the PyTorch
 * reference (/usr/bin/python3 <peers>/<model>.py <config>), then ours (the same model built with Polytask's layers
 * from the same config, same warmup/steps), then the reference again, ... — each side a fresh process. Every pair is
 * printed as it finishes (step time and peak resident memory of both sides, their ratio), and the LAST line is one
 * JSON object: every pair, the median of the pair ratios (`ratio`), the median step times, the peak RSS of each side,
 * the CPU model, both sides' thread counts and which kernels were active. PyTorch runs with PEER_THREADS = our thread
 * count (POLYTASK_NUM_THREADS, else the cores available), unless PEER_THREADS is set.
 * Peers directory: $POLYTASK_PEERS, else ../shared/peers relative to the repository root.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadNativeKernels, selectBackend } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { median, type Workload } from './common.js';

const MODELS = ['recsys-mmoe', 'nlp-joint-bilstm', 'vision-det-seg'] as const;
type ModelName = (typeof MODELS)[number];

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const err = (msg: string) => process.stderr.write(`${msg}\n`);
/** The reference's thread count variable (its _common.py reads it). */
const PEER_THREADS = 'PEER_THREADS';
const mib = (kb: number) => Number((kb / 1024).toFixed(1));

function usage(msg?: string): never {
  if (msg) err(msg);
  err(`usage: npm run bench -- <${MODELS.join('|')}> [--pairs N] [--backend NAME] [--no-pytorch] [--profile] [--warmup N --steps N]`);
  process.exit(2);
}

interface Side {
  ms: number;
  peakRssMiB: number;
  threads: number;
}
interface OursRun extends Side {
  backend: string;
  kernels: string;
  kernelsDetail: string;
  leaked: number;
  loss: number;
}

/** The CPU as /proc/cpuinfo names it, with its widest SIMD and the cores this process may use. */
function cpuDescription(): string {
  let model = os.cpus()[0]?.model ?? 'unknown CPU';
  let simd = '';
  try {
    const info = readFileSync('/proc/cpuinfo', 'utf8');
    model = /^model name\s*:\s*(.*)$/m.exec(info)?.[1]?.trim() ?? model;
    const flags = new Set((/^flags\s*:(.*)$/m.exec(info)?.[1] ?? '').trim().split(/\s+/));
    simd = flags.has('avx512f') ? 'AVX-512' : flags.has('avx2') ? 'AVX2' : flags.has('avx') ? 'AVX' : 'SSE';
  } catch {
    // not Linux
  }
  return `${model}${simd ? `, ${simd}` : ''}, ${os.availableParallelism()} cores`;
}

/** Our thread count: POLYTASK_NUM_THREADS, else the cores available (what the native libraries default to). */
function ourThreads(): number {
  const n = Number(process.env.POLYTASK_NUM_THREADS);
  return Number.isInteger(n) && n >= 1 ? n : os.availableParallelism();
}

/**
 * One reference run in a fresh python process; its peak RSS from getrusage at exit (a wrapper runs the peer script
 * as __main__, so the script itself is unchanged).
 */
function runPytorch(peers: string, file: string, configPath: string, threads: number): Side | null {
  const python = process.env.POLYTASK_PYTHON ?? '/usr/bin/python3';
  const wrapper = [
    'import json, resource, runpy, sys',
    'script, config = sys.argv[1], sys.argv[2]',
    'sys.path.insert(0, sys.argv[3])',
    'sys.argv = [script, config]',
    "runpy.run_path(script, run_name='__main__')",
    "print(json.dumps({'peak_rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))",
  ].join('\n');
  const res = spawnSync(python, ['-c', wrapper, path.join(peers, `${file}.py`), configPath, peers], {
    cwd: peers,
    encoding: 'utf8',
    env: { ...process.env, [PEER_THREADS]: process.env[PEER_THREADS] ?? String(threads) },
  });
  const lines = (res.stdout ?? '').split('\n').map((l) => l.trim());
  const peer = lines.find((l) => l.startsWith('{') && l.includes('"peer"'));
  const rss = lines.find((l) => l.startsWith('{') && l.includes('"peak_rss_kb"'));
  if (res.status !== 0 || !peer || !rss) {
    err(
      `PyTorch reference failed (exit ${res.status}): ${(res.stderr ?? res.error?.message ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    );
    err('  install it once with: apt-get install -y python3-torch   (or pass --no-pytorch)');
    return null;
  }
  const p = JSON.parse(peer) as { ms_per_step_median: number; threads: number };
  return { ms: p.ms_per_step_median, threads: p.threads, peakRssMiB: mib((JSON.parse(rss) as { peak_rss_kb: number }).peak_rss_kb) };
}

/** One run of ours in a fresh node process (this script with --child). */
function runOurs(args: string[]): OursRun {
  const script = fileURLToPath(import.meta.url);
  const res = spawnSync(process.execPath, [...process.execArgv, script, ...args, '--child'], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = (res.stdout ?? '')
    .split('\n')
    .reverse()
    .find((l) => l.trim().startsWith('{') && l.includes('"peer":"polytask"'));
  if (res.status !== 0 || !line) {
    err(`our run failed (exit ${res.status})`);
    process.exit(1);
  }
  const o = JSON.parse(line) as {
    ms_per_step_median: number;
    peak_rss_mib: number;
    threads: number;
    backend: string;
    fast_kernels: string;
    kernels_detail: string;
    leaked_tensors_per_run: number;
    loss: number;
  };
  return {
    ms: o.ms_per_step_median,
    peakRssMiB: o.peak_rss_mib,
    threads: o.threads,
    backend: o.backend,
    kernels: o.fast_kernels,
    kernelsDetail: o.kernels_detail,
    leaked: o.leaked_tensors_per_run,
    loss: o.loss,
  };
}

/** --child: build the model, time it, print one JSON line (with this process's peak RSS). */
async function child(model: ModelName, cfg: { batch: number }, warmup: number, steps: number, args: string[]) {
  const bi = args.indexOf('--backend');
  const lines: string[] = [];
  const info = await selectBackend({ backend: bi >= 0 ? args[bi + 1] : undefined, log: (m) => lines.push(m) });
  const native = (await loadNativeKernels()).kernels;
  const threads = native ? native.info().threads : 1;
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
      peer: 'polytask',
      tfjs: tf.version.tfjs,
      backend: info.name,
      fast_kernels: info.fastKernels,
      kernels_detail: lines[0] ?? info.detail,
      threads,
      model,
      batch: cfg.batch,
      ms_per_step_median: Number(ours.toFixed(3)),
      samples_per_s: Number((cfg.batch / (ours / 1000)).toFixed(1)),
      loss: Number(loss.toFixed(5)),
      leaked_tensors_per_run: leaked,
      peak_rss_mib: mib(process.resourceUsage().maxRSS),
    }),
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const valued = new Set(['--backend', '--steps', '--warmup', '--pairs']);
  const model = args.find((a, i) => !a.startsWith('--') && !valued.has(args[i - 1] ?? '')) as ModelName | undefined;
  if (!model || !(MODELS as readonly string[]).includes(model)) usage(model ? `unknown model '${model}'` : undefined);
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
  if (args.includes('--child')) {
    await child(model, cfg, warmup, steps, args);
    return;
  }
  const pairs = num('--pairs') ?? 3;
  if (!Number.isInteger(pairs) || pairs < 1) usage('--pairs takes an integer >= 1');
  const withPytorch = !args.includes('--no-pytorch');
  const threads = ourThreads();
  const cpu = cpuDescription();
  const childArgs = args.filter((a, i) => a !== '--pairs' && args[i - 1] !== '--pairs' && a !== '--profile');
  err(`[bench] ${model}: ${pairs} interleaved pair(s) (${withPytorch ? 'PyTorch, ours' : 'ours only'}) on ${cpu}`);

  const rows: Array<{ pytorch: Side | null; ours: OursRun; ratio: number | null }> = [];
  let pytorchOk = withPytorch;
  for (let p = 0; p < pairs; p++) {
    const pytorch = pytorchOk ? runPytorch(peers, file, configPath, threads) : null;
    if (pytorchOk && !pytorch) pytorchOk = false;
    // The profile (one extra step) goes with the last run of ours, after its timed steps.
    const ours = runOurs(p === pairs - 1 && args.includes('--profile') ? [...childArgs, '--profile'] : childArgs);
    const ratio = pytorch ? ours.ms / pytorch.ms : null;
    rows.push({ pytorch, ours, ratio });
    const ref = pytorch
      ? `PyTorch ${pytorch.ms.toFixed(1)} ms (peak RSS ${pytorch.peakRssMiB} MiB, ${pytorch.threads} threads)`
      : 'PyTorch —';
    console.log(
      `pair ${p + 1}/${pairs}: ${ref} | ours ${ours.ms.toFixed(1)} ms (peak RSS ${ours.peakRssMiB} MiB, ${ours.threads} threads, ` +
        `${ours.kernels}, leaked ${ours.leaked}) | ratio ${ratio === null ? '—' : ratio.toFixed(3)}`,
    );
  }
  const ours = rows.map((r) => r.ours);
  const refs = rows.map((r) => r.pytorch).filter((r): r is Side => r !== null);
  const ratios = rows.map((r) => r.ratio).filter((r): r is number => r !== null);
  const first = ours[0]!;
  err(`[bench] ours: ${first.kernelsDetail}`);
  console.log(
    JSON.stringify({
      model,
      pairs: rows.map((r) => ({
        pytorch_ms: r.pytorch?.ms ?? null,
        ours_ms: r.ours.ms,
        ratio: r.ratio === null ? null : Number(r.ratio.toFixed(3)),
        pytorch_peak_rss_mib: r.pytorch?.peakRssMiB ?? null,
        ours_peak_rss_mib: r.ours.peakRssMiB,
      })),
      ours_ms_per_step_median: Number(median(ours.map((o) => o.ms)).toFixed(3)),
      pytorch_ms_per_step_median: refs.length ? Number(median(refs.map((r) => r.ms)).toFixed(3)) : null,
      ratio: ratios.length ? Number(median(ratios).toFixed(3)) : null,
      ours_peak_rss_mib: Math.max(...ours.map((o) => o.peakRssMiB)),
      pytorch_peak_rss_mib: refs.length ? Math.max(...refs.map((r) => r.peakRssMiB)) : null,
      leaked_tensors_per_run: Math.max(...ours.map((o) => o.leaked)),
      cpu,
      ours_threads: first.threads,
      pytorch_threads: refs[0]?.threads ?? null,
      backend: first.backend,
      fast_kernels: first.kernels,
      kernels: first.kernelsDetail.replace(/^backend: /, ''),
      date: new Date().toISOString(),
    }),
  );
}

await main();
