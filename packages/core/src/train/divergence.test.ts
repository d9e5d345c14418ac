import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryDataset } from '../data/in-memory-dataset.js';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { allFinite, DivergenceError } from './divergence.js';
import { Trainer } from './trainer.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';
import '../weighting/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const data = twoTaskProblem({ samples: 64, seed: 3 });

function build() {
  const tasks = [createTask({ name: 'a', type: 'binary', metrics: ['auc'] }), createTask({ name: 'b', type: 'regression' })];
  return createModel({ trunk: { type: 'mlp', options: { units: [8] } }, architecture: { type: 'hard' }, seed: 1 }, tasks, data.spec);
}

/** The same samples with every regression label Infinity: every step's loss is not finite. */
function poisoned(): InMemoryDataset {
  const b = data.parts.labels.b!;
  const copy = { ...b, data: new Float32Array(b.data.length).fill(Number.POSITIVE_INFINITY) };
  return new InMemoryDataset({ ...data.parts, labels: { ...data.parts.labels, b: copy } });
}

describe('non-finite losses and gradients', () => {
  it('allFinite sees NaN and Infinity anywhere', () => {
    expect(allFinite([tf.tensor([1, 2]), undefined, tf.tensor([[3]])])).toBe(true);
    expect(allFinite([tf.tensor([1, Number.NaN])])).toBe(false);
    expect(allFinite([tf.tensor([1]), tf.tensor([Number.NEGATIVE_INFINITY])])).toBe(false);
  });

  it('a diverging run stops with a message naming the task, the step and the last finite values', async () => {
    const model = build();
    const out = mkdtempSync(join(tmpdir(), 'polytask-diverge-'));
    const trainer = new Trainer(model, {
      train: { epochs: 3, batchSize: 16, optimizer: { name: 'sgd', lr: 1e12 } },
      seed: 1,
      outDir: out,
      progress: false,
    });
    const error = await trainer.fit(data).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DivergenceError);
    const message = (error as Error).message;
    expect(message).toMatch(/^training diverged at step \d+ \(epoch \d+, batch \d+\): task "(a|b)" loss is (NaN|Infinity)/);
    expect(message).toMatch(/last finite losses \(step \d+\): a=[\d.]+, b=[\d.e+]+/);
    expect(message).toContain('train.optimizer.lr (now 1000000000000)');
    // the step that diverged is not in the history
    const steps = readFileSync(join(out, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(steps.every((s: Record<string, unknown>) => s.type !== 'step' || (s['loss/a'] !== null && s['loss/b'] !== null))).toBe(true);
    trainer.dispose();
    model.dispose();
  });

  it('skip mode drops non-finite steps, counts them and stops after maxSkippedSteps in a row', async () => {
    const model = build();
    const before = Array.from(model.layout.read());
    const trainer = new Trainer(model, {
      train: { epochs: 1, batchSize: 16, nonFinite: 'skip', maxSkippedSteps: 3 },
      seed: 1,
      progress: false,
    });
    const error = await trainer.fit(poisoned()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as Error).message).toMatch(/3 steps in a row with a non-finite loss or gradient/);
    // no update was applied: the weights are the initial ones
    expect(Array.from(model.layout.read())).toEqual(before);
    const fit = await new Trainer(build(), {
      train: { epochs: 1, batchSize: 16, nonFinite: 'skip', maxSkippedSteps: 10 },
      seed: 1,
      progress: false,
    }).fit(poisoned());
    expect(fit.skippedSteps).toBe(4);
    expect(fit.steps).toBe(4);
  });
});
