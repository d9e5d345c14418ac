import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../config/run-config.js';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { Trainer } from './trainer.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';
import '../weighting/index.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'polytask-trainer-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const data = twoTaskProblem({ samples: 300, seed: 2, missingB: 0.2 });
const valid = twoTaskProblem({ samples: 400, seed: 2 }).subset(Array.from({ length: 100 }, (_, i) => 300 + i));

function build() {
  const tasks = [createTask({ name: 'a', type: 'binary', metrics: ['auc', 'logloss'] }), createTask({ name: 'b', type: 'regression' })];
  const model = createModel(
    {
      trunk: { type: 'mlp', options: { units: [16], dropout: 0.1 } },
      architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [8] } },
      seed: 4,
    },
    tasks,
    data.spec,
  );
  return model;
}

function stepLosses(dir: string): number[][] {
  return readFileSync(join(dir, 'history.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l))
    .filter((r) => r.type === 'step')
    .map((r) => [r['loss/a'], r['loss/b']]);
}

describe('Trainer', () => {
  for (const weighting of ['EW', 'DWA']) {
    it(`a run interrupted mid-epoch and resumed reproduces the uninterrupted losses (${weighting})`, async () => {
      const cfg = TrainConfig.parse({
        epochs: 3,
        batchSize: 32,
        optimizer: { lr: 0.01 },
        weighting: { name: weighting },
        gradientCosineEvery: 0,
      });
      const full = tempDir();
      const m1 = build();
      await new Trainer(m1, { train: cfg, seed: 9, outDir: full, progress: false }).fit(data, valid);
      const expected = stepLosses(full);
      m1.dispose();

      const split = tempDir();
      const m2 = build();
      let seen = 0;
      const first = new Trainer(m2, {
        train: cfg,
        seed: 9,
        outDir: split,
        progress: false,
        callbacks: [
          {
            onBatchEnd: () => {
              seen += 1;
              if (seen === 14) first.requestStop(); // inside epoch 2 (10 batches per epoch)
            },
          },
        ],
      });
      const interrupted = await first.fit(data, valid);
      expect(interrupted.interrupted).toBe(true);
      m2.dispose();

      const m3 = build();
      const resumed = await new Trainer(m3, { train: cfg, seed: 9, outDir: split, progress: false, resume: true }).fit(data, valid);
      expect(resumed.interrupted).toBe(false);
      const got = stepLosses(split);
      expect(got.length).toBe(expected.length);
      got.forEach((pair, i) => {
        expect(pair[0]).toBeCloseTo(expected[i]![0]!, 5);
        expect(pair[1]).toBeCloseTo(expected[i]![1]!, 5);
      });
      m3.dispose();
    });
  }

  it('writes history.jsonl with weights and cosines, saves the best model and restores it', async () => {
    const out = tempDir();
    const model = build();
    const cfg = TrainConfig.parse({
      epochs: 2,
      batchSize: 50,
      gradientCosineEvery: 2,
      earlyStopping: { monitor: 'a/logloss', patience: 5 },
    });
    const fit = await new Trainer(model, { train: cfg, seed: 1, outDir: out, progress: false }).fit(data, valid);
    const lines = readFileSync(join(out, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    const steps = lines.filter((l) => l.type === 'step');
    expect(steps[0]).toHaveProperty('weight/a', 1);
    expect(steps[0].cosines.matrix).toHaveLength(2);
    expect(steps[1].cosines).toBeUndefined();
    const epochs = lines.filter((l) => l.type === 'epoch');
    expect(epochs).toHaveLength(2);
    expect(epochs[0]).toHaveProperty('val/a/auc');
    expect(existsSync(join(out, 'model', 'model.json'))).toBe(true);
    expect(existsSync(join(out, 'checkpoint', 'state.json'))).toBe(true);
    expect(fit.best!.monitor).toBe('a/logloss');
    const bestLogloss = Math.min(...epochs.map((e) => e['val/a/logloss']));
    expect(fit.best!.score).toBeCloseTo(bestLogloss, 10);
    model.dispose();
  });

  it("logs Δm over the config's single-task baselines and can select the best epoch by it", async () => {
    const out = tempDir();
    const model = build();
    const baselines = { a: { auc: 0.8 }, b: { mse: 0.5 } };
    const cfg = TrainConfig.parse({ epochs: 2, batchSize: 100, baselines, earlyStopping: { monitor: 'delta_m', patience: 5 } });
    const fit = await new Trainer(model, { train: cfg, seed: 1, outDir: out, progress: false }).fit(data, valid);
    const epochs = readFileSync(join(out, 'history.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'epoch');
    for (const e of epochs) {
      // mean over tasks of the signed relative change: AUC higher is better, MSE lower is better
      const expected = ((e['val/a/auc'] - 0.8) / 0.8 + -(e['val/b/mse'] - 0.5) / 0.5) / 2;
      expect(e['val/delta_m']).toBeCloseTo(expected, 10);
    }
    expect(fit.best!.score).toBeCloseTo(Math.max(...epochs.map((e) => e['val/delta_m'])), 10);
    model.dispose();
  });

  it('stops early when the monitored metric stops improving', async () => {
    const model = build();
    // lr ≈ 0 ⇒ no improvement after the first epoch ⇒ stop once `patience` (1) epochs have not improved: 2 epochs
    const cfg = TrainConfig.parse({
      epochs: 10,
      batchSize: 100,
      optimizer: { name: 'sgd', lr: 1e-12, momentum: 0 },
      earlyStopping: { monitor: 'a/auc', patience: 1, minDelta: 0.01 },
    });
    const fit = await new Trainer(model, { train: cfg, seed: 1, progress: false }).fit(data, valid);
    expect(fit.epochs).toBe(2);
    model.dispose();
  });

  it('trains a single-task baseline from the same config', async () => {
    const model = build();
    const headB = model.taskLayouts.get('b')!.read();
    const trainer = new Trainer(model, {
      train: TrainConfig.parse({ epochs: 1, batchSize: 100, singleTask: 'a' }),
      seed: 1,
      progress: false,
    });
    expect(trainer.tasks.map((t) => t.name)).toEqual(['a']);
    await trainer.fit(data, valid);
    expect(Array.from(model.taskLayouts.get('b')!.read())).toEqual(Array.from(headB));
    model.dispose();
  });

  it("a single-task baseline keeps the config's monitor for its own task and falls back for another", () => {
    const model = build();
    const monitorFor = (singleTask: string) =>
      new Trainer(model, {
        train: TrainConfig.parse({ singleTask, earlyStopping: { monitor: 'a/logloss', mode: 'min' } }),
        seed: 1,
        progress: false,
      }).monitor.name;
    expect(monitorFor('a')).toBe('a/logloss');
    expect(monitorFor('b')).toBe('b/mse');
    model.dispose();
  });

  it('takes plain option objects and fills every default from the TrainConfig schema', async () => {
    const model = build();
    const trainer = new Trainer(model, { train: { epochs: 2 } });
    expect(trainer.config).toEqual(TrainConfig.parse({ epochs: 2 }));
    expect(trainer.config.batchSize).toBe(TrainConfig.parse({}).batchSize);
    const fit = await new Trainer(model, { train: { epochs: 2, batchSize: 100 }, progress: false }).fit(data);
    expect(fit.epochs).toBe(2);
    expect(fit.steps).toBe(6); // 300 samples in batches of 100, twice
    model.dispose();
  });
});
