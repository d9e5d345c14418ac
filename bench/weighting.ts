/**
 * `npm run bench:weighting [-- --methods EW,PCGrad,... --steps N --backend NAME]`
 *
 * Step time of every joint-optimizer method on the recsys MMoE reference config (<peers>/configs/recsys_mmoe.json),
 * built with core's model (embedding trunk → MMoE → towers) and trained by core's JointStep + Adam, as a ratio to
 * EW in the same process. Prints one JSON line per method and, last, a summary line.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  createModel,
  createTask,
  type GradientMode,
  InMemoryDataset,
  JointStep,
  localReducer,
  Optimizer,
  OptimizerConfig,
  Rng,
  selectBackend,
  weightingRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { median } from './common.js';
import type { MmoeConfig } from './models/recsys-mmoe.js';

const repoRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const args = process.argv.slice(2);
const arg = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

async function main(): Promise<void> {
  const peers = process.env.POLYTASK_PEERS ?? path.resolve(repoRoot, '..', 'shared', 'peers');
  const cfg = JSON.parse(readFileSync(path.join(peers, 'configs', 'recsys_mmoe.json'), 'utf8')) as MmoeConfig;
  const backend = await selectBackend({ backend: arg('backend') });
  const steps = Number(arg('steps') ?? 8);
  const warmup = 2;
  const aliases = new Set(['DB-MTL', 'Nash-MTL', 'Aligned-MTL']);
  const methods = arg('methods')?.split(',') ?? ['EW', ...weightingRegistry.names().filter((n) => n !== 'EW' && !aliases.has(n))];

  // One batch of random data with the reference's shapes (ids local per field; the trunk adds field offsets).
  const B = cfg.batch;
  const rng = new Rng(0);
  const ids = Int32Array.from({ length: B * cfg.sparse_fields }, () => rng.int(cfg.vocab_per_field));
  const dense = Float32Array.from({ length: B * cfg.dense_features }, () => rng.normal());
  const labels = Object.fromEntries(
    cfg.tasks.map((t, i) => [t, { data: Float32Array.from({ length: B }, () => (rng.next() < [0.2, 0.05][i]! ? 1 : 0)), shape: [] }]),
  );
  const data = new InMemoryDataset({
    inputs: {
      sparse: { data: ids, shape: [cfg.sparse_fields], vocabSizes: Array.from({ length: cfg.sparse_fields }, () => cfg.vocab_per_field) },
      dense: { data: dense, shape: [cfg.dense_features] },
    },
    labels,
  });
  const batch = data.gather(Array.from({ length: B }, (_, i) => i));
  const tasks = cfg.tasks.map((name) => createTask({ name, type: 'binary', head: { type: 'mlp', options: { units: cfg.tower_units } } }));

  // Every gradient method is timed in each mode it is valid in (parameters: one backward per task through the whole
  // model; representation: per-task backward through the heads only, then one through the trunk).
  const runs = methods.flatMap((method) => {
    const probe = weightingRegistry.get(method)({}, { tasks: cfg.tasks, seed: 0 });
    const modes: Array<GradientMode | undefined> = probe.kind === 'gradient' ? [...probe.modes] : [undefined];
    probe.dispose?.();
    return modes.map((mode) => ({ method, mode }));
  });
  /** Step times (ms) of one method in one mode, after the warm-up steps. */
  const time = (method: string, mode: GradientMode | undefined): { mode: string; times: number[] } => {
    const model = createModel(
      {
        trunk: { type: 'embedding', options: { embeddingDim: cfg.embedding_dim } },
        architecture: { type: 'mmoe', options: { experts: cfg.experts, expertUnits: cfg.expert_units } },
        seed: 0,
      },
      tasks,
      data.spec,
    );
    const weighting = weightingRegistry.get(method)({}, { tasks: cfg.tasks, seed: 0 });
    const optimizer = new Optimizer(
      [...model.trainableParameters(), ...weighting.parameters()],
      OptimizerConfig.parse({ lr: cfg.optimizer.lr }),
    );
    const step = new JointStep(model, model.tasks, weighting, optimizer, localReducer, mode);
    const times: number[] = [];
    for (let s = 0; s < warmup + steps; s++) {
      const t0 = performance.now();
      step.run(batch, {
        lr: cfg.optimizer.lr,
        clipNorm: 0,
        monitorCosines: false,
        seed: s,
        weighting: { step: s, epoch: 0, tasks: cfg.tasks, rng },
      });
      if (s >= warmup) times.push(performance.now() - t0);
    }
    optimizer.dispose();
    weighting.dispose?.();
    model.dispose();
    return { mode: step.mode, times };
  };

  // EW is timed first and again last; the ratios use the median of both, so a slow phase of a shared machine at
  // either end does not skew every ratio.
  const ewTimes = time('EW', undefined).times;
  const measured = runs
    .filter((r) => r.method !== 'EW')
    .map(({ method, mode }) => {
      const { mode: used, times } = time(method, mode);
      const row = { method, mode: used, ms: Math.round(median(times) * 10) / 10 };
      console.log(JSON.stringify(row));
      return row;
    });
  ewTimes.push(...time('EW', undefined).times);
  const ewMs = median(ewTimes);
  const results = [{ method: 'EW', mode: 'loss', ms: Math.round(ewMs * 10) / 10 }, ...measured].map((r) => ({
    ...r,
    ratio: Math.round((r.ms / ewMs) * 100) / 100,
  }));
  for (const r of results)
    console.log(`${r.method.padEnd(12)} ${r.mode.padEnd(15)} ${r.ms.toFixed(1).padStart(8)} ms  ×${r.ratio.toFixed(2)}`);
  tf.dispose([...Object.values(batch.inputs), ...Object.values(batch.labels)]);
  console.log(JSON.stringify({ bench: 'weighting', config: 'recsys_mmoe', backend: backend.detail, steps, results }));
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
