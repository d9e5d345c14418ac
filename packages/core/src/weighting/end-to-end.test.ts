import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { TrainConfig } from '../config/run-config.js';
import { createModel } from '../model/multi-task-model.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { evaluate } from '../train/evaluate.js';
import { Trainer } from '../train/trainer.js';
import { weightingRegistry } from './index.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// One name per method (aliases train the same code).
const methods = weightingRegistry.names().filter((n) => !['DB-MTL', 'Nash-MTL', 'Aligned-MTL'].includes(n));
const architectures: Array<[string, Record<string, unknown>]> = [
  ['hard', { units: [32] }],
  ['mmoe', { experts: 3, expertUnits: [32] }],
];

describe('every weighting method trains the two-task problem end to end', () => {
  const all = twoTaskProblem({ samples: 1536, seed: 11, missingB: 0.1 });
  const train = all.subset(Array.from({ length: 1024 }, (_, i) => i));
  const valid = all.subset(Array.from({ length: 512 }, (_, i) => 1024 + i));

  for (const [arch, options] of architectures) {
    for (const method of methods) {
      it(`${method} under ${arch}`, async () => {
        const tasks = [
          createTask({ name: 'a', type: 'binary', metrics: ['accuracy'] }),
          createTask({ name: 'b', type: 'regression', metrics: ['mse'] }),
        ];
        const model = createModel({ trunk: { type: 'identity' }, architecture: { type: arch, options }, seed: 5 }, tasks, train.spec);
        const trainer = new Trainer(model, {
          train: TrainConfig.parse({
            epochs: 6,
            batchSize: 64,
            optimizer: { lr: 0.01 },
            weighting: { name: method },
            gradientCosineEvery: 0,
          }),
          seed: 2,
          progress: false,
        });
        const before = tf.memory().numTensors;
        await trainer.fit(train);
        const ev = await evaluate(model, valid, { batchSize: 512 });
        // A constant predictor scores 0.5 accuracy and mse ≈ Var(b) ≈ 2; the shared structure is learnable.
        expect(ev.tasks.a!.accuracy).toBeGreaterThanOrEqual(0.88);
        expect(ev.tasks.b!.mse).toBeLessThanOrEqual(0.35);
        trainer.dispose();
        expect(tf.memory().numTensors).toBeLessThanOrEqual(before);
        model.dispose();
      });
    }
  }
});
