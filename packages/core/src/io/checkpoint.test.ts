import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { recoverFolder, resolveFolder, writeFileAtomic, writeFolderAtomic } from './atomic.js';
import { loadWeights, readModelJson, saveModel } from './checkpoint.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('model folders', () => {
  it('round-trip weights by name and shape into a model rebuilt from config', () => {
    const data = twoTaskProblem({ samples: 4 });
    const tasks = [createTask({ name: 'a' }), createTask({ name: 'b', type: 'regression' })];
    const cfg = { trunk: { type: 'mlp', options: { units: [3] } }, architecture: { type: 'ple', options: { expertUnits: [4] } } };
    const m1 = createModel({ ...cfg, seed: 1 }, tasks, data.spec);
    const m2 = createModel({ ...cfg, seed: 2 }, tasks, data.spec);
    const dir = join(mkdtempSync(join(tmpdir(), 'polytask-ckpt-')), 'model');
    saveModel(dir, m1, { config: { hello: 1 }, preprocessing: { vocab: ['x'] }, dataSpec: data.spec });
    expect(readModelJson(dir).preprocessing).toEqual({ vocab: ['x'] });
    expect(Array.from(m2.layout.read())).not.toEqual(Array.from(m1.layout.read()));
    loadWeights(dir, m2);
    expect(Array.from(m2.layout.read())).toEqual(Array.from(m1.layout.read()));
    const other = createModel({ trunk: { type: 'mlp', options: { units: [5] } }, architecture: cfg.architecture }, tasks, data.spec);
    expect(() => loadWeights(dir, other)).toThrow(/model expects/);
  });

  it('atomic folder writes leave no temp files and survive an interruption between renames', () => {
    const parent = mkdtempSync(join(tmpdir(), 'polytask-atomic-'));
    const dir = join(parent, 'ckpt');
    writeFolderAtomic(dir, { 'a.txt': '1' });
    writeFolderAtomic(dir, { 'a.txt': '2' });
    expect(readdirSync(parent)).toEqual(['ckpt']);
    // Simulate a crash after the old folder was moved aside and before the new one was renamed in.
    renameSync(dir, join(parent, '.ckpt.old-123'));
    expect(existsSync(dir)).toBe(false);
    expect(resolveFolder(dir)).toBe(join(parent, '.ckpt.old-123'));
  });

  it('a finished write removes the temp and moved-aside copies that interrupted writes left', () => {
    const parent = mkdtempSync(join(tmpdir(), 'polytask-atomic-'));
    const dir = join(parent, 'ckpt');
    mkdirSync(join(parent, '.ckpt.tmp-1'));
    mkdirSync(join(parent, '.ckpt.old-2'));
    writeFileSync(join(parent, '.metrics.json.tmp-3'), '{');
    mkdirSync(join(parent, '.other.tmp-4'));
    writeFolderAtomic(dir, { 'a.txt': '1' });
    writeFileAtomic(join(parent, 'metrics.json'), '{}');
    expect(readdirSync(parent).sort()).toEqual(['.other.tmp-4', 'ckpt', 'metrics.json']);
  });

  it('a resumed writer puts a moved-aside folder back and drops stale temp copies', () => {
    const parent = mkdtempSync(join(tmpdir(), 'polytask-recover-'));
    const dir = join(parent, 'model');
    writeFolderAtomic(dir, { 'a.txt': 'old' });
    renameSync(dir, join(parent, '.model.old-7'));
    mkdirSync(join(parent, '.model.tmp-7'));
    recoverFolder(dir);
    expect(readdirSync(parent)).toEqual(['model']);
    expect(readdirSync(dir)).toEqual(['a.txt']);
    recoverFolder(join(parent, 'absent'));
    expect(readdirSync(parent)).toEqual(['model']);
  });

  it('a damaged model folder names the file and what is wrong', () => {
    const data = twoTaskProblem({ samples: 4 });
    const tasks = [createTask({ name: 'a' })];
    const model = createModel(
      { trunk: { type: 'mlp', options: { units: [3] } }, architecture: { type: 'hard' }, seed: 1 },
      tasks,
      data.spec,
    );
    const dir = join(mkdtempSync(join(tmpdir(), 'polytask-damaged-')), 'model');
    saveModel(dir, model);
    const weights = join(dir, 'weights.bin');
    truncateSync(weights, 10);
    expect(() => loadWeights(dir, model)).toThrow(
      new RegExp(`^${weights}: damaged: 10 bytes, expected ${model.layout.size * 4} \\(${model.layout.size} float32 weights\\)`),
    );
    const json = join(dir, 'model.json');
    writeFileSync(json, '{"format": "polytask-model", "formatVersion": 1, "weightsManifest": [{"paths": [], "weights": [{"name": 1}]}]}');
    expect(() => readModelJson(dir)).toThrow(`${json}: damaged: field "weightsManifest[0].weights[0].name"`);
    writeFileSync(json, '{"format": "keras"}');
    expect(() => readModelJson(dir)).toThrow(`${json}: not a Polytask model (format "keras")`);
    writeFileSync(json, '{"format": ');
    expect(() => readModelJson(dir)).toThrow(`${json}: damaged: not valid JSON`);
  });
});
