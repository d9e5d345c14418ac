import { describe, expect, it } from 'vitest';
import { type Detection, nms, postProcess } from './nms.js';

const d = (x1: number, y1: number, x2: number, y2: number, score: number, classId = 0): Detection => ({
  box: [x1, y1, x2, y2],
  score,
  classId,
});

describe('NMS on hand-made boxes', () => {
  it('keeps the best of overlapping boxes and the ones that do not overlap', () => {
    const boxes = [
      d(0, 0, 10, 10, 0.9),
      d(1, 1, 11, 11, 0.8), // IoU with the first: 81 / 119 = 0.68 → suppressed
      d(5, 0, 15, 10, 0.7), // IoU with the first: 50 / 150 = 0.33 → kept at 0.5
      d(20, 20, 30, 30, 0.6),
    ];
    expect(nms(boxes, 0.5).map((b) => b.score)).toEqual([0.9, 0.7, 0.6]);
    // at 0.3 the third box (0.33) goes too
    expect(nms(boxes, 0.3).map((b) => b.score)).toEqual([0.9, 0.6]);
  });

  it('suppresses within a class only, thresholds scores and caps detections', () => {
    const boxes = [d(0, 0, 10, 10, 0.9, 0), d(0, 0, 10, 10, 0.8, 1), d(1, 1, 10, 10, 0.85, 0), d(50, 50, 60, 60, 0.04, 0)];
    const kept = postProcess(boxes, { scoreThreshold: 0.05, iouThreshold: 0.5, maxDetections: 100 });
    expect(kept.map((b) => [b.classId, b.score])).toEqual([
      [0, 0.9],
      [1, 0.8],
    ]);
    expect(postProcess(boxes, { scoreThreshold: 0, iouThreshold: 0.5, maxDetections: 1 })).toHaveLength(1);
  });
});
