/** A box as x1 y1 x2 y2 (any unit, x2 ≥ x1, y2 ≥ y1). */
export type Box = readonly [number, number, number, number];

export function boxArea(b: Box): number {
  return Math.max(0, b[2] - b[0]) * Math.max(0, b[3] - b[1]);
}

function intersection(a: Box, b: Box): number {
  const w = Math.min(a[2], b[2]) - Math.max(a[0], b[0]);
  const h = Math.min(a[3], b[3]) - Math.max(a[1], b[1]);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Intersection over union. Against a crowd region (`crowd`), COCO divides by the detection's own area instead:
 * a detection inside a crowd overlaps it fully however small it is (pycocotools `maskUtils.iou` with iscrowd).
 */
export function boxIou(detection: Box, truth: Box, crowd = false): number {
  const inter = intersection(detection, truth);
  const union = crowd ? boxArea(detection) : boxArea(detection) + boxArea(truth) - inter;
  return union > 0 ? inter / union : 0;
}
