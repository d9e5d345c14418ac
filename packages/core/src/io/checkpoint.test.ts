import { existsSync, mkdtempSync, readdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { resolveFolder, writeFolderAtomic } from './atomic.js';
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
});
