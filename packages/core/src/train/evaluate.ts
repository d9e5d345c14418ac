import * as tf from '@tensorflow/tfjs';
import { type Dataset, disposeBatch } from '../data/dataset.js';
import { type Direction, metricValues } from '../metrics/metric.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import { isSupervised, keptPositions, type TaskSpec, taskTargets } from '../tasks/task-spec.js';

export interface Evaluation {
  /** metrics[task][metric]; a metric reporting several values contributes each under its own name. */
  readonly tasks: Record<string, Record<string, number>>;
  /** Mean loss per supervised task over the dataset (weighted by kept samples or positions). */
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
    try {
      tf.tidy(() => {
        const outputs = model.forward(batch.inputs, { training: false });
        for (const task of tasks) {
          const targets = taskTargets(task, batch);
          if (!targets) continue;
          const predictions = task.activate(outputs[task.name]!);
          let decoded: readonly unknown[] | undefined;
          const input = {
            predictions,
            labels: targets.labels,
            mask: targets.mask,
            positionMask: targets.positionMask,
            ragged: targets.ragged,
            inputs: batch.inputs,
            decoded: () => {
              decoded ??= task.decode(predictions, { positionMask: targets.positionMask });
              return decoded;
            },
          };
          for (const m of metrics.get(task.name)!) m.update(input);
          if (isSupervised(task)) {
            const loss = task.loss!(outputs[task.name]!, targets).dataSync()[0]!;
            const kept = targets.labels ? keptPositions(targets, targets.labels.shape) : undefined;
            const weight = kept ? kept.sum().dataSync()[0]! : batch.size;
            const acc = lossSums.get(task.name) ?? { sum: 0, weight: 0 };
            lossSums.set(task.name, { sum: acc.sum + loss * weight, weight: acc.weight + weight });
          }
        }
      });
    } finally {
      disposeBatch(batch);
    }
  }
  const result: Record<string, Record<string, number>> = {};
  const directions: Record<string, Record<string, Direction>> = {};
  for (const [task, ms] of metrics) {
    result[task] = {};
    directions[task] = {};
    for (const m of ms) {
      for (const [name, value] of Object.entries(metricValues(m))) {
        result[task]![name] = value;
        directions[task]![name] = m.direction;
      }
    }
  }
  const losses = Object.fromEntries([...lossSums].map(([t, { sum, weight }]) => [t, weight > 0 ? sum / weight : 0]));
  return { tasks: result, losses, directions };
}
