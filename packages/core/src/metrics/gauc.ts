import { z } from 'zod';
import { aucFromScores } from './auc.js';
import { binaryLabel, included, parseOptions, readBinaryScores, readMask, readPerSample } from './common.js';
import type { Metric, MetricInput } from './metric.js';

export const GaucOptions = z.strictObject({
  /** The input in `context.inputs` holding the integer user (group) id of each sample, shape [B]. */
  groupInput: z.string().min(1),
});

/**
 * Group AUC, name `gauc` (torch-rechub `gauc_score` semantics): the AUC of each user's samples, averaged with the
 * user's sample count as weight; users whose (unmasked, non-padding) samples hold a single class are skipped, both
 * from the sum and from the weights. NaN when no user has both classes. Needs `inputs[groupInput]` in every
 * `update`. Keeps every score, grouped by user, until `reset`.
 */
export function createGauc(options?: Record<string, unknown>): Metric<number> {
  const { groupInput } = parseOptions('gauc', GaucOptions, options);
  let groups = new Map<number, { pos: number[]; neg: number[] }>();
  return {
    name: 'gauc',
    direction: 'max',
    update({ predictions, labels, mask, inputs }: MetricInput): void {
      const { n, scores } = readBinaryScores('gauc', predictions);
      if (!labels) throw new Error('metric "gauc": needs dense labels');
      const ids = inputs?.[groupInput];
      if (ids === undefined) {
        const known = inputs === undefined ? 'no inputs were passed' : `inputs are: ${Object.keys(inputs).join(', ') || '(none)'}`;
        throw new Error(`metric "gauc": needs the group ids in inputs["${groupInput}"]; ${known}`);
      }
      const users = readPerSample('gauc', `inputs["${groupInput}"]`, ids, n);
      const y = readPerSample('gauc', 'labels', labels, n);
      const m = readMask('gauc', mask, n);
      for (let i = 0; i < n; i++) {
        if (!included(m, i)) continue;
        const label = binaryLabel('gauc', y[i]!);
        if (label === undefined) continue;
        const user = users[i]!;
        let group = groups.get(user);
        if (group === undefined) {
          group = { pos: [], neg: [] };
          groups.set(user, group);
        }
        (label === 1 ? group.pos : group.neg).push(scores[i]!);
      }
    },
    result(): number {
      let weighted = 0;
      let weights = 0;
      for (const { pos, neg } of groups.values()) {
        if (pos.length === 0 || neg.length === 0) continue;
        const weight = pos.length + neg.length;
        weighted += weight * aucFromScores(Float64Array.from(pos), Float64Array.from(neg));
        weights += weight;
      }
      return weights === 0 ? Number.NaN : weighted / weights;
    },
    reset(): void {
      groups = new Map();
    },
  };
}
