/**
 * `node --conditions=@polytask/source --import tsx bench/compare-builds.ts <model> <before-module> [rounds]`
 *
 * Step times of two builds of the same reference workload in one process, interleaved (before, after, before, ...;
 * median of 3 steps each per round), and the median ratio after / before. `<before-module>` is a workload module
 * exporting `build(config)` (an earlier revision's `bench/models/<model>.ts`, extracted with `git show` beside the
 * current one so its imports resolve); the after side is `bench/models/<model>.ts`.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { selectBackend } from '@polytask/core';
import type { Workload } from './common.js';

const [model, beforeModule, roundsArg] = process.argv.slice(2);
if (!model || !beforeModule) {
  process.stderr.write('usage: compare-builds.ts <model> <before-module> [rounds]\n');
  process.exit(2);
}
const rounds = Number(roundsArg ?? 7);
const peers = process.env.POLYTASK_PEERS ?? path.resolve(import.meta.dirname, '..', '..', 'shared', 'peers');
const cfg = JSON.parse(readFileSync(path.join(peers, 'configs', `${model.replace(/-/g, '_')}.json`), 'utf8'));
await selectBackend({});
const load = async (file: string) => ((await import(path.resolve(file))) as { build(c: unknown): Workload }).build(cfg);
const before = await load(beforeModule);
const after = await load(path.join(import.meta.dirname, 'models', `${model}.ts`));

/** Median of `n` step times (ms). */
function time(w: Workload, n: number): number {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    w.step();
    ts.push(performance.now() - t);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1]!;
}

time(before, 2);
time(after, 2);
const ratios: number[] = [];
for (let r = 0; r < rounds; r++) {
  const b = time(before, 3);
  const a = time(after, 3);
  ratios.push(a / b);
  console.log(
    JSON.stringify({ model, round: r, before_ms: Number(b.toFixed(1)), after_ms: Number(a.toFixed(1)), ratio: Number((a / b).toFixed(3)) }),
  );
}
ratios.sort((x, y) => x - y);
console.log(JSON.stringify({ model, rounds, median_ratio_after_over_before: Number(ratios[ratios.length >> 1]!.toFixed(3)) }));
before.dispose();
after.dispose();
