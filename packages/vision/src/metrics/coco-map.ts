import { included, type Metric, type MetricBuildContext, type MetricInput, raggedCount, raggedRow, readMask } from '@polytask/core';
import type { Detection } from '../tasks/nms.js';
import { type Box, boxIou } from './box-iou.js';

/** COCO's IoU thresholds 0.50:0.05:0.95 and 101 recall points (pycocotools `Params.setDetParams`). */
export const IOU_THRESHOLDS = Array.from({ length: 10 }, (_, i) => 0.5 + 0.05 * i);
const RECALL_POINTS = Array.from({ length: 101 }, (_, i) => i / 100);

export interface TruthBox {
  readonly box: Box;
  readonly classId: number;
  readonly crowd: boolean;
}

/** One image's detections and ground truth. */
export interface EvalImage {
  readonly detections: readonly Detection[];
  readonly truth: readonly TruthBox[];
}

interface Matched {
  readonly score: number;
  /** 1 = true positive at this threshold, 0 = false positive, −1 = ignored (matched a crowd region). */
  readonly outcome: number;
}

/**
 * pycocotools' `evaluateImg` for one image, one class, one threshold: detections best first, each matched to the
 * unmatched ground truth of highest IoU ≥ the threshold, preferring non-crowd boxes; a detection matching a crowd
 * region is ignored (crowds match any number of detections).
 */
function matchImage(detections: readonly Detection[], truth: readonly TruthBox[], threshold: number): Matched[] {
  const gts = [...truth].sort((a, b) => Number(a.crowd) - Number(b.crowd)); // stable: non-crowd first
  const taken = new Array<boolean>(gts.length).fill(false);
  return detections.map((d) => {
    let best = Math.min(threshold, 1 - 1e-10);
    let m = -1;
    gts.forEach((g, j) => {
      if (taken[j] && !g.crowd) return;
      if (m > -1 && !gts[m]!.crowd && g.crowd) return; // a real match beats any crowd region
      const iou = boxIou(d.box, g.box, g.crowd);
      if (iou < best) return;
      best = iou;
      m = j;
    });
    if (m === -1) return { score: d.score, outcome: 0 };
    taken[m] = true;
    return { score: d.score, outcome: gts[m]!.crowd ? -1 : 1 };
  });
}

/** AP of one class at one threshold with 101-point interpolation; NaN when the class has no (non-crowd) truth. */
function averagePrecision(images: readonly EvalImage[], classId: number, threshold: number, maxDetections: number): number {
  const matched: Matched[] = [];
  let positives = 0;
  for (const image of images) {
    const truth = image.truth.filter((t) => t.classId === classId);
    positives += truth.filter((t) => !t.crowd).length;
    const detections = image.detections
      .filter((d) => d.classId === classId)
      .sort((a, b) => b.score - a.score)
      .slice(0, maxDetections);
    matched.push(...matchImage(detections, truth, threshold));
  }
  if (positives === 0) return Number.NaN;
  const ranked = matched.filter((m) => m.outcome !== -1).sort((a, b) => b.score - a.score);
  const recall: number[] = [];
  const precision: number[] = [];
  let tp = 0;
  let fp = 0;
  for (const m of ranked) {
    if (m.outcome === 1) tp += 1;
    else fp += 1;
    recall.push(tp / positives);
    precision.push(tp / (tp + fp));
  }
  for (let i = precision.length - 1; i > 0; i--) precision[i - 1] = Math.max(precision[i - 1]!, precision[i]!);
  let sum = 0;
  let i = 0;
  for (const r of RECALL_POINTS) {
    while (i < recall.length && recall[i]! < r) i += 1;
    if (i < recall.length) sum += precision[i]!;
  }
  return sum / RECALL_POINTS.length;
}

const mean = (xs: readonly number[]) => {
  const kept = xs.filter((x) => !Number.isNaN(x));
  return kept.length === 0 ? Number.NaN : kept.reduce((a, b) => a + b, 0) / kept.length;
};

/** COCO box AP over images: map (AP@[.50:.95]), map50, map75 and per class ap/<name>, as pycocotools computes them. */
export function cocoAveragePrecision(
  images: readonly EvalImage[],
  classes: number,
  options: { maxDetections?: number; classNames?: readonly string[] } = {},
): Record<string, number> {
  const maxDetections = options.maxDetections ?? 100;
  const table = Array.from({ length: classes }, (_, c) => IOU_THRESHOLDS.map((t) => averagePrecision(images, c, t, maxDetections)));
  const out: Record<string, number> = {
    map: mean(table.map((row) => mean(row))),
    map50: mean(table.map((row) => row[0]!)),
    map75: mean(table.map((row) => row[5]!)),
  };
  table.forEach((row, c) => {
    const ap = mean(row);
    if (!Number.isNaN(ap)) out[`ap/${options.classNames?.[c] ?? c}`] = ap;
  });
  return out;
}

/**
 * The streaming `map` metric of a detection task: collects every image's decoded detections and its ragged truth
 * (normalised boxes, classes, crowd flags), skipping images without detection labels, and reports
 * `cocoAveragePrecision` at the end.
 */
export function createCocoMap(options?: Record<string, unknown>, context: MetricBuildContext = {}): Metric<Record<string, number>> {
  const maxDetections = typeof options?.maxDetections === 'number' ? options.maxDetections : 100;
  let images: EvalImage[] = [];
  let classes = context.classNames?.length ?? 0;
  return {
    name: 'map',
    direction: 'max',
    update(input: MetricInput) {
      const { boxes, classes: ids, crowd } = input.ragged ?? {};
      if (!boxes || !ids) throw new Error('metric "map": needs ragged boxes and classes');
      const decoded = input.decoded!() as Detection[][];
      const mask = readMask('map', input.mask, decoded.length);
      decoded.forEach((detections, i) => {
        if (!included(mask, i)) return;
        const row = raggedRow(boxes, i);
        const cls = raggedRow(ids, i);
        const isCrowd = crowd ? raggedRow(crowd, i) : undefined;
        const truth = Array.from({ length: raggedCount(boxes, i) }, (_, k) => {
          classes = Math.max(classes, cls[k]! + 1);
          return { box: Array.from(row.subarray(k * 4, k * 4 + 4)) as unknown as Box, classId: cls[k]!, crowd: Boolean(isCrowd?.[k]) };
        });
        images.push({ detections, truth });
      });
    },
    result: () =>
      images.length === 0
        ? { map: Number.NaN, map50: Number.NaN, map75: Number.NaN }
        : cocoAveragePrecision(images, classes, { maxDetections, classNames: context.classNames }),
    reset() {
      images = [];
    },
  };
}
