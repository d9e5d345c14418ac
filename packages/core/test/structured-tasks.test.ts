/**
 * Ragged targets and task-owned parameters through core's public API. The toy task: from 8 bits, predict the set of
 * positions that are 1 (0 to 8 items per sample, kept as ragged targets). Its loss derives a dense multi-hot target
 * per batch from the ragged items; its decode returns the predicted set; its metric compares decoded sets with the
 * raw ragged targets. It also owns a per-slot bias (a parameter outside any head), trained, saved and restored.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createModel,
  createParameter,
  createTask,
  evaluate,
  loadWeights,
  type Metric,
  type MetricInput,
  metricRegistry,
  type Parameter,
  Rng,
  RunConfig,
  raggedCount,
  raggedRow,
  type Sample,
  StreamingDataset,
  saveModel,
  sigmoidCrossEntropy,
  type TaskSpec,
  Trainer,
  taskKind,
  taskRegistry,
  validate,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SLOTS = 8;

/** Micro-F1 of predicted item sets against the raw ragged targets. */
function createSetF1(): Metric<number> {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  return {
    name: 'set_f1',
    direction: 'max',
    update(input: MetricInput) {
      const items = input.ragged!.items!;
      const predicted = input.decoded!() as number[][];
      predicted.forEach((set, i) => {
        const truth = new Set(raggedRow(items, i));
        for (const p of set) {
          if (truth.has(p)) tp += 1;
          else fp += 1;
        }
        fn += raggedCount(items, i) - set.filter((p) => truth.has(p)).length;
      });
    },
    result: () => (tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn)),
    reset() {
      tp = fp = fn = 0;
    },
  };
}
metricRegistry.register('set_f1', createSetF1);

const SetOptions = z.strictObject({ slots: z.number().int().positive() });

function setTask(c: { name: string; slots: number; head: { type: string; options: Record<string, unknown> } }): TaskSpec {
  const bias = createParameter(`tasks/${c.name}/bias`, tf.zeros([c.slots]));
  const logits = (out: tf.Tensor) => tf.add(out, bias.variable);
  return {
    name: c.name,
    head: { type: c.head.type, options: c.head.options, outputUnits: c.slots },
    loss: (out, t) =>
      tf.tidy(() => {
        // Dense training target derived from the ragged items of this batch.
        const hot = new Float32Array(t.size * c.slots);
        for (let i = 0; i < t.size; i++) for (const k of raggedRow(t.ragged!.items!, i)) hot[i * c.slots + k] = 1;
        return sigmoidCrossEntropy(logits(out), tf.tensor2d(hot, [t.size, c.slots]));
      }),
    activate: (out) => tf.sigmoid(logits(out)),
    decode: (p) => {
      const v = p.dataSync();
      return Array.from({ length: p.shape[0]! }, (_, i) =>
        Array.from({ length: c.slots }, (_, k) => k).filter((k) => v[i * c.slots + k]! > 0.5),
      );
    },
    createMetrics: () => [createSetF1()],
    parameters: (): Parameter[] => [bias],
  };
}
taskRegistry.register('item-set', taskKind(SetOptions, setTask));

function sample(seed: number, i: number): Sample {
  const rng = Rng.derive(seed, i);
  const bits = Float32Array.from({ length: SLOTS }, () => (rng.next() < 0.3 ? 1 : 0));
  const items = Int32Array.from(Array.from(bits).flatMap((b, k) => (b ? [k] : [])));
  return { inputs: { x: { data: bits, shape: [SLOTS] } }, ragged: { items: { items: { data: items, shape: [items.length] } } } };
}

const data = (size: number, seed: number) =>
  new StreamingDataset({ size, spec: { inputs: { x: { shape: [SLOTS], dtype: 'float32' } } }, read: (i) => sample(seed, i) });
const tasks = () => [createTask({ name: 'items', type: 'item-set', slots: SLOTS, head: { type: 'mlp', options: {} } })];
const build = () =>
  createModel(
    { trunk: { type: 'mlp', options: { input: 'x', units: [32] } }, architecture: { type: 'hard' }, seed: 2 },
    tasks(),
    data(1, 0).spec,
  );

describe('ragged targets and task-owned parameters', () => {
  it('a task with a variable number of targets per sample trains; its metric reads the raw targets', async () => {
    const m = build();
    const bias = m.tasks[0]!.parameters!()[0]!;
    expect(m.taskLayouts.get('items')!.parameters).toContain(bias); // trained with the head, its own gradient only
    const trainer = new Trainer(m, {
      train: { epochs: 6, batchSize: 32, optimizer: { lr: 0.02 }, gradientCosineEvery: 0 },
      seed: 1,
      progress: false,
    });
    const before = tf.memory().numTensors;
    await trainer.fit(data(256, 1));
    expect(tf.memory().numTensors).toBe(before); // flat over ragged batches
    expect(Math.max(...Array.from(bias.variable.dataSync(), Math.abs))).toBeGreaterThan(0); // it was trained
    const ev = await evaluate(m, data(128, 2), { batchSize: 64 });
    expect(ev.tasks.items!.set_f1).toBeGreaterThan(0.95); // an empty prediction scores 0
    trainer.dispose();

    // Saved and restored with the model; the reloaded model predicts the same.
    const dir = mkdtempSync(join(tmpdir(), 'polytask-owned-'));
    saveModel(join(dir, 'model'), m);
    const again = build();
    expect(
      again.tasks[0]!.parameters!()[0]!
        .variable.dataSync()
        .every((v) => v === 0),
    ).toBe(true);
    loadWeights(join(dir, 'model'), again);
    expect(Array.from(again.tasks[0]!.parameters!()[0]!.variable.dataSync())).toEqual(Array.from(bias.variable.dataSync()));
    const x = tf.tensor2d([1, 0, 0, 1, 1, 0, 0, 1], [1, SLOTS]);
    expect(Array.from(again.predict({ x }).items!.dataSync())).toEqual(Array.from(m.predict({ x }).items!.dataSync()));
    rmSync(dir, { recursive: true, force: true });
    m.dispose();
    again.dispose();
  });

  it('an unknown task option is rejected with the field named', () => {
    expect(() => createTask({ name: 'items', type: 'item-set', slot: 8 })).toThrow(
      /task "items" \(item-set\): .*field "slot": unknown field "slot"; did you mean "slots"\?/,
    );
    expect(() => createTask({ name: 'c', type: 'multiclass', classes: 3, clases: 3 })).toThrow(/field "clases"/);
    expect(() => createTask({ name: 'c', type: 'multiclass' })).toThrow(/field "classes"/);
    // In a run config the kind's own check names the file and the task's field.
    const config = { tasks: [{ name: 'c', type: 'multiclass', classes: 3, clases: 3 }], model: { trunk: { type: 'mlp' } } };
    expect(() => validate(RunConfig, config, 'run.yaml')).toThrow(
      /run\.yaml: field "tasks\[0\]\.clases": unknown field; did you mean "classes"\?/,
    );
  });

  it('training on a streaming dataset interrupted mid-epoch resumes at the same batch (same per-step losses)', async () => {
    const train = { epochs: 2, batchSize: 16, optimizer: { lr: 0.02 }, gradientCosineEvery: 0 };
    const stepLosses = (dir: string) =>
      readFileSync(join(dir, 'history.jsonl'), 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l))
        .filter((r) => r.type === 'step')
        .map((r) => r['loss/items'] as number);
    const full = mkdtempSync(join(tmpdir(), 'polytask-stream-'));
    const m1 = build();
    await new Trainer(m1, { train, seed: 4, outDir: full, progress: false }).fit(data(96, 3));
    m1.dispose();
    const split = mkdtempSync(join(tmpdir(), 'polytask-stream-'));
    const m2 = build();
    let seen = 0;
    const first: Trainer = new Trainer(m2, {
      train,
      seed: 4,
      outDir: split,
      progress: false,
      callbacks: [
        {
          onBatchEnd: () => {
            seen += 1;
            if (seen === 9) first.requestStop(); // inside epoch 2 (6 batches each)
          },
        },
      ],
    });
    expect((await first.fit(data(96, 3))).interrupted).toBe(true);
    m2.dispose();
    const m3 = build();
    await new Trainer(m3, { train, seed: 4, outDir: split, progress: false, resume: true }).fit(data(96, 3));
    m3.dispose();
    const expected = stepLosses(full);
    const got = stepLosses(split);
    expect(got.length).toBe(expected.length);
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i]!, 6);
    });
    rmSync(full, { recursive: true, force: true });
    rmSync(split, { recursive: true, force: true });
  });
});
