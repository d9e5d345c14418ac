import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { InMemoryDataset } from '../data/in-memory-dataset.js';
import type { Metric, MetricBuildContext, MetricInput } from '../metrics/metric.js';
import { metricRegistry } from '../metrics/metric.js';
import { createModel } from '../model/multi-task-model.js';
import { createTask } from '../tasks/task-kinds.js';
import { evaluate } from './evaluate.js';
import '../index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** Accuracy overall and per class, named with the class names the task was built with. */
function perClassAccuracy(_options?: Record<string, unknown>, context?: MetricBuildContext): Metric {
  const names = context?.classNames ?? [];
  const right = new Map<number, number>();
  const seen = new Map<number, number>();
  return {
    name: 'class_accuracy',
    direction: 'max',
    update({ labels, decoded }: MetricInput) {
      const y = labels!.dataSync();
      const predicted = decoded!() as number[];
      y.forEach((c, i) => {
        seen.set(c, (seen.get(c) ?? 0) + 1);
        if (predicted[i] === c) right.set(c, (right.get(c) ?? 0) + 1);
      });
    },
    result() {
      const total = [...seen.values()].reduce((a, b) => a + b, 0);
      const out: Record<string, number> = { class_accuracy: [...right.values()].reduce((a, b) => a + b, 0) / total };
      for (const [c, n] of seen) out[`class_accuracy/${names[c] ?? c}`] = (right.get(c) ?? 0) / n;
      return out;
    },
    reset() {
      right.clear();
      seen.clear();
    },
  };
}
metricRegistry.register('class_accuracy', perClassAccuracy);

describe('evaluate', () => {
  it('reports every named value of a multi-valued metric, named through the build context, with its direction', async () => {
    const data = new InMemoryDataset({
      inputs: { x: { data: Float32Array.of(1, 0, 0, 1, 1, 1), shape: [2] } },
      labels: { kind: { data: Int32Array.of(0, 1, 2), shape: [] } },
    });
    const task = createTask(
      { name: 'kind', type: 'multiclass', classes: 3, metrics: ['class_accuracy'], head: { type: 'mlp', options: {} } },
      { classNames: ['cat', 'dog', 'owl'] },
    );
    const model = createModel({ trunk: { type: 'identity' }, architecture: { type: 'hard' } }, [task], data.spec);
    const ev = await evaluate(model, data, { batchSize: 2 });
    const values = ev.tasks.kind!;
    expect(Object.keys(values).sort()).toEqual(['class_accuracy', 'class_accuracy/cat', 'class_accuracy/dog', 'class_accuracy/owl']);
    const perClass = ['cat', 'dog', 'owl'].map((n) => values[`class_accuracy/${n}`]!);
    expect(values.class_accuracy).toBeCloseTo(perClass.reduce((a, b) => a + b, 0) / 3, 10);
    expect(ev.directions.kind!['class_accuracy/owl']).toBe('max');
    model.dispose();
  });
});
