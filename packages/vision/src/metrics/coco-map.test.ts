import { raggedFromRows } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Detection } from '../tasks/nms.js';
import { cocoAveragePrecision, createCocoMap, type EvalImage } from './coco-map.js';

const det = (box: number[], score: number, classId = 0): Detection => ({ box: box as unknown as Detection['box'], score, classId });
const gt = (box: number[], classId = 0, crowd = false) => ({ box: box as unknown as Detection['box'], classId, crowd });

/**
 * Class 0: image 1 has one object found twice (the duplicate is a false positive), image 2 has two objects of which
 * one is missed. Ranked: TP (.9), FP (.8), TP (.7) of 3 objects → recall 1/3, 1/3, 2/3; precision 1, ½, ⅔ →
 * interpolated 1, ⅔, ⅔. Of the 101 recall points 0, .01, …, .33 (34) read 1, .34 … .66 (33) read ⅔, the rest 0:
 * AP = (34 + 33·⅔) / 101 = 56/101 at every IoU threshold (the matches are exact).
 * Class 1: one object, one detection of IoU 0.78: a true positive at thresholds .50–.75 (AP 1), a false positive at
 * .80–.95 (AP 0) → AP@[.5:.95] = 6/10, AP50 = AP75 = 1.
 */
const images: EvalImage[] = [
  { detections: [det([0, 0, 10, 10], 0.9), det([0, 0, 10, 10], 0.8)], truth: [gt([0, 0, 10, 10])] },
  { detections: [det([20, 20, 30, 30], 0.7)], truth: [gt([20, 20, 30, 30]), gt([50, 50, 60, 60])] },
  { detections: [det([0, 0, 10, 7.8], 0.5, 1)], truth: [gt([0, 0, 10, 10], 1)] },
];

describe('COCO box AP (101-point interpolation, AP@[.50:.95])', () => {
  it('matches the hand-computed case with a duplicate detection and a missed object', () => {
    const r = cocoAveragePrecision(images, 2, { classNames: ['a', 'b'] });
    expect(r['ap/a']).toBeCloseTo(56 / 101, 10);
    expect(r['ap/b']).toBeCloseTo(0.6, 10);
    expect(r.map).toBeCloseTo((56 / 101 + 0.6) / 2, 10);
    expect(r.map50).toBeCloseTo((56 / 101 + 1) / 2, 10);
    expect(r.map75).toBeCloseTo((56 / 101 + 1) / 2, 10);
  });

  it('ignores detections on crowd regions, and crowd regions are never missed objects', () => {
    const withCrowd: EvalImage[] = [
      ...images,
      { detections: [det([110, 110, 120, 120], 0.95)], truth: [gt([100, 100, 200, 200], 0, true)] },
    ];
    expect(cocoAveragePrecision(withCrowd, 2)).toEqual(cocoAveragePrecision(images, 2));
    // the same detection away from the crowd is a false positive ranked first: AP drops
    const outside: EvalImage[] = [...images, { detections: [det([300, 300, 310, 310], 0.95)], truth: [gt([100, 100, 200, 200], 0, true)] }];
    expect(cocoAveragePrecision(outside, 2).map50!).toBeLessThan(cocoAveragePrecision(images, 2).map50!);
  });

  it('a perfect detector scores 1, a class with truth but no detection 0, a class without truth is left out', () => {
    const perfect: EvalImage[] = [{ detections: [det([0, 0, 5, 5], 0.6)], truth: [gt([0, 0, 5, 5])] }];
    expect(cocoAveragePrecision(perfect, 1).map).toBe(1);
    const missed: EvalImage[] = [{ detections: [det([0, 0, 5, 5], 0.6, 1)], truth: [gt([0, 0, 5, 5])] }];
    const r = cocoAveragePrecision(missed, 2, { classNames: ['a', 'b'] });
    expect(r['ap/a']).toBe(0);
    expect(r['ap/b']).toBeUndefined();
    expect(r.map).toBe(0);
  });

  it('keeps at most 100 detections per image and class', () => {
    // 100 false positives ranked above the one true positive push it out
    const noise = Array.from({ length: 100 }, (_, i) => det([50 + i, 50, 51 + i, 51], 0.99));
    const image: EvalImage = { detections: [...noise, det([0, 0, 5, 5], 0.5)], truth: [gt([0, 0, 5, 5])] };
    expect(cocoAveragePrecision([image], 1).map).toBe(0);
    expect(cocoAveragePrecision([image], 1, { maxDetections: 101 }).map).toBeGreaterThan(0);
  });

  it('as a streaming metric reads decoded detections and the ragged truth, skipping unlabelled images', () => {
    const metric = createCocoMap(undefined, { classNames: ['a', 'b'] });
    const ragged = {
      boxes: raggedFromRows(
        images.map((im) => im.truth.flatMap((t) => [...t.box])),
        [4],
        'float32',
      ),
      classes: raggedFromRows(
        images.map((im) => im.truth.map((t) => t.classId)),
        [],
        'int32',
      ),
    };
    const predictions = tf.zeros([3, 1]);
    const mask = tf.tensor1d([1, 1, 1]);
    metric.update({ predictions, ragged, mask, decoded: () => images.map((im) => im.detections) });
    expect(metric.result().map).toBeCloseTo((56 / 101 + 0.6) / 2, 6);
    metric.reset();
    const partial = tf.tensor1d([1, 1, 0]);
    metric.update({ predictions, ragged, mask: partial, decoded: () => images.map((im) => im.detections) });
    expect(metric.result()['ap/b']).toBeUndefined();
    tf.dispose([predictions, mask, partial]);
  });
});
