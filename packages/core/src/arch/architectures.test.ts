import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../config/run-config.js';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { evaluate } from '../train/evaluate.js';
import { Trainer } from '../train/trainer.js';
import '../metrics/index.js';
import './index.js';
import '../trunk/index.js';
import '../heads/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const tasks = () => [
  createTask({ name: 'a', type: 'binary', metrics: ['accuracy', 'auc'] }),
  createTask({ name: 'b', type: 'regression', metrics: ['mse'] }),
];

const architectures: Array<[string, Record<string, unknown>]> = [
  ['hard', { units: [32] }],
  ['mmoe', { experts: 3, expertUnits: [32] }],
  ['cgc', { sharedExperts: 2, taskExperts: 1, expertUnits: [32] }],
  ['ple', { levels: 2, sharedExperts: 1, taskExperts: 1, expertUnits: [32] }],
  ['cross-stitch', { units: [32, 16] }],
];

describe('every sharing architecture learns the shared two-task problem', () => {
  const train = twoTaskProblem({ samples: 2048, seed: 3 });
  // Same seed ⇒ same projection and the same first 2048 samples; the 512 after them are held out.
  const heldOut = twoTaskProblem({ samples: 2560, seed: 3 });
  const valid = heldOut.subset(Array.from({ length: 512 }, (_, i) => 2048 + i));

  for (const [type, options] of architectures) {
    it(`${type}: accuracy(a) ≥ 0.93 and mse(b) ≤ 0.05 on held-out samples`, async () => {
      const model = createModel({ trunk: { type: 'identity' }, architecture: { type, options }, seed: 7 }, tasks(), train.spec);
      const trainer = new Trainer(model, {
        train: TrainConfig.parse({ epochs: 12, batchSize: 64, optimizer: { lr: 5e-3 } }),
        seed: 1,
        progress: false,
      });
      await trainer.fit(train);
      const ev = await evaluate(model, valid, { batchSize: 512 });
      expect(ev.tasks.a!.accuracy).toBeGreaterThanOrEqual(0.93);
      expect(ev.tasks.b!.mse).toBeLessThanOrEqual(0.05);
      model.dispose();
      trainer.optimizer.dispose();
    });
  }
});

describe('parameter groups', () => {
  it('MMoE: experts shared, gates and heads per task; groups cover all trainable parameters once', () => {
    const data = twoTaskProblem({ samples: 8 });
    const model = createModel(
      { trunk: { type: 'mlp', options: { units: [4] } }, architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [3] } } },
      tasks(),
      data.spec,
    );
    const shared = model.sharedLayout.parameters.map((p) => p.name);
    expect(shared).toContain('trunk/mlp/dense_0/kernel');
    expect(shared).toContain('arch/experts/expert_1/dense_0/kernel');
    expect(shared.some((n) => n.includes('gate'))).toBe(false);
    expect(model.taskLayouts.get('a')!.parameters.map((p) => p.name)).toEqual([
      'arch/a/gate/kernel',
      'arch/a/gate/bias',
      'heads/a/logits/kernel',
      'heads/a/logits/bias',
    ]);
    const all = model.trainableParameters().map((p) => p.name);
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBe(model.layout.parameters.length);
    model.dispose();
  });

  it('a head read by two supervised tasks (ESMM-style) is shared', () => {
    const data = twoTaskProblem({ samples: 8 });
    const a = createTask({ name: 'a', type: 'binary' });
    const both = {
      ...createTask({ name: 'c', type: 'binary', label: 'a' }),
      head: undefined,
      inputs: ['a', 'b'],
      combine: (o: tf.Tensor[]) => tf.add(o[0]!, o[1]!),
    };
    const b = { ...createTask({ name: 'b', type: 'binary', label: 'a' }), loss: undefined };
    const model = createModel({ trunk: { type: 'identity' }, architecture: { type: 'hard' } }, [a, b, both], data.spec);
    const shared = model.sharedLayout.parameters.map((p) => p.name);
    expect(shared).toContain('heads/a/logits/kernel');
    expect(model.taskLayouts.get('a')!.parameters).toHaveLength(0);
    expect(model.taskLayouts.get('c')!.parameters.map((p) => p.name)).toEqual(['heads/b/logits/kernel', 'heads/b/logits/bias']);
    model.dispose();
  });
});
