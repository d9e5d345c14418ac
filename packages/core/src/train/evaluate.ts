import * as tf from '@tensorflow/tfjs';
import { type Dataset, disposeBatch } from '../data/dataset.js';
import type { Direction } from '../metrics/metric.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import { isSupervised, type TaskSpec, taskLabelKey } from '../tasks/task-spec.js';

export interface Evaluation {
  /** metrics[task][metric] */
  readonly tasks: Record<string, Record<string, number>>;
  /** Mean loss per supervised task over the dataset. */
  readonly losses: Record<string, number>;
  readonly directions: Record<string, Record<string, Direction>>;
}

/** Runs the model over a dataset in inference mode and computes every task's metrics and loss. */
export async function evaluate(
  model: MultiTaskModel,
  dataset: Dataset,
  options: { batchSize: number; tasks?: readonly TaskSpec[] },
): Promise<Evaluation> {
  const tasks = options.tasks ?? model.tasks;
  const metrics = new Map(tasks.map((t) => [t.name, t.createMetrics()]));
  const lossSums = new Map<string, { sum: number; weight: number }>();
  for await (const batch of dataset.batches({ batchSize: options.batchSize })) {
    tf.tidy(() => {
      const outputs = model.forward(batch.inputs, { training: false });
      for (const task of tasks) {
        const key = taskLabelKey(task);
        const labels = batch.labels[key];
        if (!labels) continue;
        const mask = batch.masks[key];
        const predictions = task.activate(outputs[task.name]!);
        for (const m of metrics.get(task.name)!) m.update(predictions, labels, mask, { inputs: batch.inputs });
        if (isSupervised(task)) {
          const loss = task.loss!(outputs[task.name]!, labels, mask).dataSync()[0]!;
          const weight = mask ? mask.sum().dataSync()[0]! : batch.size;
          const acc = lossSums.get(task.name) ?? { sum: 0, weight: 0 };
          lossSums.set(task.name, { sum: acc.sum + loss * weight, weight: acc.weight + weight });
        }
      }
    });
    disposeBatch(batch);
  }
  const result: Record<string, Record<string, number>> = {};
  const directions: Record<string, Record<string, Direction>> = {};
  for (const [task, ms] of metrics) {
    result[task] = Object.fromEntries(ms.map((m) => [m.name, m.result()]));
    directions[task] = Object.fromEntries(ms.map((m) => [m.name, m.direction]));
  }
  const losses = Object.fromEntries([...lossSums].map(([t, { sum, weight }]) => [t, weight > 0 ? sum / weight : 0]));
  return { tasks: result, losses, directions };
}
