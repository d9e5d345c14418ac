import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { Trainer } from './trainer.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';
import '../weighting/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = twoTaskProblem({ samples: 64, seed: 5 });
const build = () =>
  createModel(
    { trunk: { type: 'mlp', options: { units: [4] } }, architecture: { type: 'hard' }, seed: 1 },
    [createTask({ name: 'a', metrics: ['auc'] }), createTask({ name: 'b', type: 'regression' })],
    data.spec,
  );
const train = { epochs: 1, batchSize: 32 };

describe('resuming a checkpoint', () => {
  it('refuses a checkpoint of another seed or config (the run identity it records)', async () => {
    const out = mkdtempSync(join(tmpdir(), 'polytask-identity-'));
    await new Trainer(build(), { train, seed: 1, outDir: out, progress: false }).fit(data);
    const state = JSON.parse(readFileSync(join(out, 'checkpoint', 'state.json'), 'utf8'));
    expect(state.run.seed).toBe(1);
    await expect(new Trainer(build(), { train, seed: 2, outDir: out, progress: false, resume: true }).fit(data)).rejects.toThrow(
      /cannot resume: .*checkpoint belongs to another run \(seed 1, .*this run: seed 2/,
    );
    await expect(
      new Trainer(build(), { train: { ...train, batchSize: 16 }, seed: 1, outDir: out, progress: false, resume: true }).fit(data),
    ).rejects.toThrow(/belongs to another run/);
    const same = await new Trainer(build(), { train, seed: 1, outDir: out, progress: false, resume: true }).fit(data);
    expect(same.steps).toBe(2);
  });

  it('drops a torn last history line but names a damaged line before it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'polytask-torn-'));
    await new Trainer(build(), { train, seed: 1, outDir: out, progress: false }).fit(data);
    const file = join(out, 'history.jsonl');
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    writeFileSync(file, `${lines.join('\n')}\n{"type":"st`);
    await new Trainer(build(), { train, seed: 1, outDir: out, progress: false, resume: true }).fit(data);
    expect(readFileSync(file, 'utf8').trim().split('\n')).toEqual(lines);
    writeFileSync(file, `${lines[0]}\n{"type":"st\n${lines.slice(1).join('\n')}\n`);
    await expect(new Trainer(build(), { train, seed: 1, outDir: out, progress: false, resume: true }).fit(data)).rejects.toThrow(
      `${file}:2: damaged line, not valid JSON`,
    );
  });
});
