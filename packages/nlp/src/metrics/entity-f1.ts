import type { Metric, MetricBuildContext, MetricInput } from '@polytask/core';
import { type Entity, entities } from '../tags/entities.js';
import type { TaggedSentence } from '../tasks/tagging.js';

/** Gold tag names of each sentence of a batch: label ids at real positions, named by `names`. */
export function goldTags(input: MetricInput, names: readonly string[]): string[][] {
  const labels = input.labels!;
  const [b, t] = labels.shape as [number, number];
  const y = labels.dataSync();
  const m = input.positionMask?.dataSync();
  const sample = input.mask?.dataSync();
  return Array.from({ length: b }, (_, i) => {
    if (sample && sample[i] === 0) return [];
    const tags: string[] = [];
    for (let j = 0; j < t; j++) {
      if ((m && m[i * t + j]! <= 0) || y[i * t + j]! < 0) continue;
      tags.push(names[y[i * t + j]!] ?? 'O');
    }
    return tags;
  });
}

const key = (e: Entity) => `${e.type}\u0000${e.start}\u0000${e.end}`;

/** Entity-level counts by type: true positives, predicted and gold entities. */
export class EntityCounts {
  readonly byType = new Map<string, { correct: number; predicted: number; gold: number }>();

  add(gold: readonly string[], predicted: readonly string[]): void {
    const g = entities(gold);
    const p = entities(predicted);
    const goldKeys = new Set(g.map(key));
    const bump = (type: string, field: 'correct' | 'predicted' | 'gold') => {
      const c = this.byType.get(type) ?? { correct: 0, predicted: 0, gold: 0 };
      c[field]++;
      this.byType.set(type, c);
    };
    for (const e of g) bump(e.type, 'gold');
    for (const e of p) {
      bump(e.type, 'predicted');
      if (goldKeys.has(key(e))) bump(e.type, 'correct');
    }
  }

  /** seqeval's micro precision, recall and F1 (0 where undefined, as its zero_division default), and F1 per type. */
  result(): Record<string, number> {
    let correct = 0;
    let predicted = 0;
    let gold = 0;
    const perType: Record<string, number> = {};
    for (const [type, c] of [...this.byType].sort(([a], [b]) => a.localeCompare(b))) {
      correct += c.correct;
      predicted += c.predicted;
      gold += c.gold;
      perType[`f1/${type}`] = f1(c.correct, c.predicted, c.gold);
    }
    // f1 first: a run without a configured monitor selects its best epoch by the first value.
    return {
      f1: f1(correct, predicted, gold),
      precision: predicted === 0 ? 0 : correct / predicted,
      recall: gold === 0 ? 0 : correct / gold,
      ...perType,
    };
  }
}

function f1(correct: number, predicted: number, gold: number): number {
  const p = predicted === 0 ? 0 : correct / predicted;
  const r = gold === 0 ? 0 : correct / gold;
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/**
 * Entity-level precision, recall and F1, micro-averaged over types, plus `f1/<type>`: seqeval's default mode
 * (conlleval-compatible chunking: an `I-` may start an entity). Gold tags come from the labels (named by the task's
 * tag names, unseen ones included); predicted tags from the task's decode.
 */
export function createEntityMetric(_options?: Record<string, unknown>, context?: MetricBuildContext): Metric<Record<string, number>> {
  const names = context?.classNames ?? [];
  let counts = new EntityCounts();
  return {
    name: 'entities',
    direction: 'max',
    update(input: MetricInput): void {
      const gold = goldTags(input, names);
      const predicted = input.decoded!() as TaggedSentence[];
      gold.forEach((g, i) => {
        if (g.length > 0) counts.add(g, predicted[i]!.tags);
      });
    },
    result: () => counts.result(),
    reset(): void {
      counts = new EntityCounts();
    },
  };
}

/** Token-level tag accuracy over real tokens (POS and other plain tags). */
export function createTagAccuracy(_options?: Record<string, unknown>, context?: MetricBuildContext): Metric<number> {
  const names = context?.classNames ?? [];
  let correct = 0;
  let total = 0;
  return {
    name: 'tag_accuracy',
    direction: 'max',
    update(input: MetricInput): void {
      const gold = goldTags(input, names);
      const predicted = input.decoded!() as TaggedSentence[];
      gold.forEach((g, i) => {
        g.forEach((tag, j) => {
          total++;
          if (predicted[i]!.tags[j] === tag) correct++;
        });
      });
    },
    result: () => (total === 0 ? Number.NaN : correct / total),
    reset(): void {
      correct = 0;
      total = 0;
    },
  };
}
