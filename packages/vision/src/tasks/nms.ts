import { type Box, boxIou } from '../metrics/box-iou.js';

/** One detected object: box (normalised x1 y1 x2 y2 inside the model, pixels once formatted), class id, score. */
export interface Detection {
  readonly box: Box;
  readonly classId: number;
  readonly score: number;
}

export interface PostProcessOptions {
  /** Detections below this score are dropped. */
  readonly scoreThreshold: number;
  /** A detection overlapping a better one of the same class by more than this IoU is suppressed. */
  readonly iouThreshold: number;
  /** Detections kept per image, best first. */
  readonly maxDetections: number;
}

/** Greedy NMS over detections of one class: best first, each suppressing the later ones it overlaps. */
export function nms(detections: readonly Detection[], iouThreshold: number): Detection[] {
  const sorted = [...detections].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const d of sorted) if (kept.every((k) => boxIou(d.box, k.box) <= iouThreshold)) kept.push(d);
  return kept;
}

/** Score threshold, per-class NMS, then the best `maxDetections` of the image. */
export function postProcess(detections: readonly Detection[], options: PostProcessOptions): Detection[] {
  const byClass = new Map<number, Detection[]>();
  for (const d of detections) {
    if (d.score < options.scoreThreshold) continue;
    const list = byClass.get(d.classId) ?? [];
    list.push(d);
    byClass.set(d.classId, list);
  }
  const kept = [...byClass.values()].flatMap((list) => nms(list, options.iouThreshold));
  return kept.sort((a, b) => b.score - a.score).slice(0, options.maxDetections);
}
