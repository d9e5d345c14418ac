import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunConfig } from '../config/run-config.js';
import type { DomainAdapter, EncodedRecords } from '../domain/domain.js';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { Trainer } from '../train/trainer.js';
import { Rng } from '../util/rng.js';
import { loadModel, modelDirOf } from './load-model.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';
import '../weighting/index.js';

const dir = mkdtempSync(join(tmpdir(), 'polytask-load-model-'));
beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A domain whose raw records are `{ x: number[] }` in units the model saw divided by the saved `scale`. */
interface Scale {
  scale: number;
}
const FEATURES = 8;
const domain: DomainAdapter<Scale> = {
  name: 'toy',
  loadData: () => Promise.reject(new Error('not used')),
  serializePreprocessing: (p) => p,
  parsePreprocessing: (json) => json as Scale,
  createTasks: (config) => config.tasks.map((t) => createTask(t)),
  encodeRecords: (records, _config, { scale }) => {
    const rows = records.map((r) => (r as { x: number[] }).x.map((v) => v / scale));
    return { inputs: { x: tf.tensor2d(rows, [rows.length, FEATURES]) } };
  },
};

describe('loadModel', () => {
  it('rebuilds a trained model from its run folder and predicts raw records through the domain preprocessing', async () => {
    const config = RunConfig.parse({
      seed: 3,
      data: {},
      tasks: [
        { name: 'a', type: 'binary' },
        { name: 'b', type: 'regression' },
      ],
      model: { trunk: { type: 'mlp', options: { units: [16] } }, architecture: { type: 'hard' } },
      train: { epochs: 2, batchSize: 64 },
    });
    const data = twoTaskProblem({ samples: 256, seed: 5 });
    const tasks = config.tasks.map((t) => createTask(t));
    const model = createModel({ ...config.model, seed: config.seed }, tasks, data.spec);
    const preprocessing: Scale = { scale: 10 };
    await new Trainer(model, {
      train: config.train,
      outDir: dir,
      progress: false,
      modelMeta: { config, preprocessing, dataSpec: data.spec },
    }).fit(data, data);

    const rng = new Rng(11);
    const raw = Array.from({ length: 5 }, () => ({ x: Array.from({ length: FEATURES }, () => rng.normal() * 10) }));
    const scaled = tf.tensor2d(raw.map((r) => r.x.map((v) => v / 10)));
    const direct = model.predict({ x: scaled });
    const expectedA = model.tasks[0]!.decode(direct.a!);
    const expectedB = model.tasks[1]!.decode(direct.b!);
    tf.dispose([scaled, ...Object.values(direct)]);

    const before = tf.memory().numTensors;
    expect(modelDirOf(dir)).toBe(join(dir, 'model'));
    const trained = loadModel(dir, domain);
    expect(trained.tasks.map((t) => t.name)).toEqual(['a', 'b']);
    expect(trained.config.seed).toBe(3);
    expect(trained.preprocessing).toEqual({ scale: 10 });
    const predictions = await trained.predict(raw, { batchSize: 2 });
    expect(predictions).toEqual(raw.map((_, i) => ({ a: expectedA[i], b: expectedB[i] })));
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('hands decode the position masks encodeRecords returns and shapes each output with formatPrediction', async () => {
    const seen: number[][] = [];
    const shaped: DomainAdapter<Scale> = {
      ...domain,
      createTasks: (config) =>
        config.tasks.map((t) => {
          const task = createTask(t);
          return {
            ...task,
            decode: (p, ctx) => {
              seen.push(Array.from(ctx?.positionMask?.dataSync() ?? []));
              return task.decode(p, ctx);
            },
          };
        }),
      encodeRecords: (records, config, prep, source) => {
        const { inputs } = domain.encodeRecords(records, config, prep, source) as EncodedRecords;
        return Promise.resolve({ inputs, positionMasks: { a: tf.tensor1d(records.map((_, i) => i % 2)) } });
      },
      formatPrediction: (prediction, record, _prep, context) => ({
        first: (record as { x: number[] }).x[0],
        a: prediction.a,
        from: context.source,
        outDir: context.outDir,
      }),
    };
    const raw = [{ x: Array.from({ length: FEATURES }, () => 1) }, { x: Array.from({ length: FEATURES }, () => 2) }];
    const before = tf.memory().numTensors;
    const trained = loadModel(dir, shaped);
    const reference = loadModel(dir, domain);
    const plain = await reference.predict(raw);
    reference.dispose();
    const out = await trained.predict(raw, { source: (i) => `in.jsonl:${i + 1}`, outDir: '/out' });
    expect(out).toEqual(raw.map((r, i) => ({ first: r.x[0], a: plain[i]!.a, from: `in.jsonl:${i + 1}`, outDir: '/out' })));
    expect(seen).toEqual([[0, 1], []]); // task a got its mask, task b none
    trained.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names the folder when there is no saved model', () => {
    expect(() => loadModel(join(dir, 'nowhere'), domain)).toThrow(/no saved model at .*nowhere/);
  });
});
