import {
  type Batch,
  disposeBatch,
  JointStep,
  localReducer,
  type MultiTaskModel,
  Optimizer,
  OptimizerConfig,
  Rng,
  taskLoss,
  weightingRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import type { Workload } from '../common.js';

/**
 * A reference workload as a domain package trains it: core's JointStep with equal weighting (the summed losses of
 * the PyTorch reference) and Adam, on one fixed batch.
 */
export function jointWorkload(model: MultiTaskModel, batch: Batch, lr: number): Workload {
  const tasks = model.tasks;
  const names = tasks.map((t) => t.name);
  const weighting = weightingRegistry.get('EW')({}, { tasks: names, seed: 0 });
  const optimizer = new Optimizer(model.trainableParameters(), OptimizerConfig.parse({ name: 'adam', lr }));
  const rng = new Rng(0);
  const step = new JointStep(model, tasks, weighting, optimizer, localReducer);
  let count = 0;
  return {
    parameters: model.parameters(),
    loss: () =>
      tf.tidy(() => {
        const outputs = model.forward(batch.inputs, { training: true, seed: 0 });
        return tf.addN(tasks.map((t) => taskLoss(t, outputs[t.name]!, batch))) as tf.Scalar;
      }),
    step() {
      const result = step.run(batch, {
        lr,
        clipNorm: 0,
        monitorCosines: false,
        seed: count,
        weighting: { step: count, epoch: 0, tasks: names, rng },
      });
      count += 1;
      return result.losses.reduce((a, b) => a + b, 0);
    },
    dispose() {
      optimizer.dispose();
      disposeBatch(batch);
      model.dispose();
    },
  };
}
