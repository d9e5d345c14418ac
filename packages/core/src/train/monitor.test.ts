import { describe, expect, it } from 'vitest';
import type { Metric } from '../metrics/metric.js';
import type { TaskSpec } from '../tasks/task-spec.js';
import { chooseMonitor } from './monitor.js';

function taskWith(metric: Metric): TaskSpec {
  return { name: 'ner', loss: () => undefined as never, activate: (x) => x, decode: () => [], createMetrics: () => [metric] };
}

const metric = (name: string, result: Metric['result']): Metric => ({ name, direction: 'max', update() {}, result, reset() {} });

describe('chooseMonitor', () => {
  it('defaults to the first metric of the first supervised task', () => {
    expect(chooseMonitor(undefined, [taskWith(metric('accuracy', () => Number.NaN))], false).name).toBe('ner/accuracy');
  });

  it('a multi-valued metric is monitored by its first reported value', () => {
    const entities = metric('entities', () => ({ f1: 0, precision: 0, recall: 0 }));
    expect(chooseMonitor(undefined, [taskWith(entities)], false).name).toBe('ner/f1');
  });

  it('a configured monitor wins', () => {
    expect(chooseMonitor({ monitor: 'ner/recall' }, [taskWith(metric('entities', () => ({ f1: 0, recall: 0 })))], false).name).toBe(
      'ner/recall',
    );
  });
});
