import { z } from 'zod';
import { binaryLabel, Float32Buffer, included, parseOptions, readBinaryScores, readPerSample, sampleView } from './common.js';
import type { Metric, MetricInput } from './metric.js';

/**
 * Exact ROC AUC of positive scores `pos` against negative scores `neg` (Mann–Whitney U / (n⁺·n⁻)): the fraction of
 * (positive, negative) pairs ranked correctly, a tied pair counting ½ — the same value as average ranks and as
 * sklearn's `roc_auc_score`. NaN when either side is empty or a score is NaN.
 * Sorts both arrays in place; O(n log n).
 */
export function aucFromScores(pos: Float32Array | Float64Array, neg: Float32Array | Float64Array): number {
  const nPos = pos.length;
  const nNeg = neg.length;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  pos.sort();
  neg.sort();
  // Typed-array sort puts NaN last.
  if (Number.isNaN(pos[nPos - 1]!) || Number.isNaN(neg[nNeg - 1]!)) return Number.NaN;
  // `below` = negatives < s, `notAbove` = negatives ≤ s; both only move forward as s grows.
  let below = 0;
  let notAbove = 0;
  let twiceU = 0; // integer-valued: 2 per won pair, 1 per tie
  for (let i = 0; i < nPos; i++) {
    const s = pos[i]!;
    while (below < nNeg && neg[below]! < s) below++;
    if (notAbove < below) notAbove = below;
    while (notAbove < nNeg && neg[notAbove]! <= s) notAbove++;
    twiceU += below + notAbove;
  }
  return twiceU / (2 * nPos * nNeg);
}

export const AucOptions = z.strictObject({});

/**
 * Exact ROC AUC over every sample seen since `reset`, name `auc`. Binary probabilities [B] (or [B, 1]) against
 * labels 0/1; ties handled by average ranks. Returns NaN when the samples seen hold only one class (AUC is undefined
 * there; sklearn raises) or none at all. Keeps one float32 per sample until `reset`.
 */
export function createAuc(options?: Record<string, unknown>): Metric<number> {
  parseOptions('auc', AucOptions, options);
  let pos = new Float32Buffer();
  let neg = new Float32Buffer();
  return {
    name: 'auc',
    direction: 'max',
    update(input: MetricInput): void {
      const view = sampleView('auc', input);
      const { n, scores } = readBinaryScores('auc', view.predictions);
      const y = readPerSample('auc', 'labels', view.labels, n);
      const m = view.mask;
      for (let i = 0; i < n; i++) {
        if (!included(m, i)) continue;
        const label = binaryLabel('auc', y[i]!);
        if (label === 1) pos.push(scores[i]!);
        else if (label === 0) neg.push(scores[i]!);
      }
      view.release();
    },
    result: () => aucFromScores(pos.view(), neg.view()),
    reset(): void {
      pos = new Float32Buffer();
      neg = new Float32Buffer();
    },
  };
}
