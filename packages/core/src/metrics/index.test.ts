import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../util/errors.js';
import { deltaM, metricRegistry } from './index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('metrics index', () => {
  it('registers every built-in metric under its name', () => {
    for (const name of ['accuracy', 'auc', 'f1', 'gauc', 'logloss', 'mae', 'mse', 'precision', 'recall']) {
      expect(metricRegistry.has(name)).toBe(true);
    }
  });

  it('factories build metrics with the expected names and directions, options included', () => {
    const built = (name: string, options?: Record<string, unknown>): [string, string] => {
      const m = metricRegistry.get(name)(options);
      return [m.name, m.direction];
    };
    expect(built('accuracy')).toEqual(['accuracy', 'max']);
    expect(built('f1', { average: 'macro' })).toEqual(['f1_macro', 'max']);
    expect(built('precision', { average: 'micro' })).toEqual(['precision_micro', 'max']);
    expect(built('recall')).toEqual(['recall', 'max']);
    expect(built('auc')).toEqual(['auc', 'max']);
    expect(built('gauc', { groupInput: 'uid' })).toEqual(['gauc', 'max']);
    expect(built('logloss')).toEqual(['logloss', 'min']);
    expect(built('mse')).toEqual(['mse', 'min']);
    expect(built('mae')).toEqual(['mae', 'min']);
    expect(() => built('f1', { avg: 'macro' })).toThrow(UsageError);
  });

  it('re-exports deltaM', () => {
    expect(typeof deltaM).toBe('function');
  });

  it('works through the task kinds: binary task default metrics', async () => {
    const { createTask } = await import('../tasks/task-kinds.js');
    const task = createTask({ name: 'ctr', type: 'binary' });
    const metrics = task.createMetrics();
    expect(metrics.map((m) => m.name)).toEqual(['auc', 'logloss', 'accuracy']);
    const p = tf.tensor1d([0.1, 0.4, 0.35, 0.8]);
    const y = tf.tensor1d([0, 0, 1, 1]);
    for (const m of metrics) m.update({ predictions: p, labels: y });
    tf.dispose([p, y]);
    expect(metrics[0]!.result()).toBe(0.75);
  });
});
