import { Rng } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { DETECTION_LABEL, SEGMENTATION_LABEL, toSample } from '../data/sample.js';
import { drawShapes } from '../data/shapes.js';
import { AugmentConfig, colourJitter, randomPlacement } from './augment.js';
import { letterbox, placeImage, placeLabels, toOutput } from './placement.js';

const aug = AugmentConfig.parse({ scale: [0.6, 1.4] });

/** Extent (x1, y1, x2, y2; exclusive ends) of the pixels equal to `value` inside a pixel box, grown by `grow`. */
function extent(labels: ArrayLike<number>, size: number, value: number, box: number[], grow: number): number[] {
  let [x1, y1, x2, y2] = [size, size, -1, -1];
  for (let y = Math.max(0, Math.floor(box[1]! - grow)); y < Math.min(size, Math.ceil(box[3]! + grow)); y++) {
    for (let x = Math.max(0, Math.floor(box[0]! - grow)); x < Math.min(size, Math.ceil(box[2]! + grow)); x++) {
      if (labels[y * size + x] !== value) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  }
  return [x1, y1, x2, y2];
}

describe('augmentation keeps image, boxes and mask aligned', () => {
  it('a pure horizontal flip mirrors the mask exactly and the boxes with it', () => {
    const drawn = drawShapes(3, 0, { size: 64, minObjects: 3, maxObjects: 3 });
    const p = { ...letterbox(64, 64, 64), flip: true };
    const labels = placeLabels(drawn.mask, 64, 64, p);
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) expect(labels[y * 64 + x]).toBe(drawn.mask[y * 64 + 63 - x]);
    const image = placeImage(drawn.image, p);
    expect(Array.from(image.data.subarray(0, 3))).toEqual(Array.from(drawn.image.data.subarray(63 * 3, 64 * 3)));
    const sample = toSample({ image: drawn.image, detection: { boxes: drawn.boxes, classes: drawn.classes } }, p);
    const boxes = sample.ragged![DETECTION_LABEL]!.boxes!.data;
    for (let i = 0; i < drawn.classes.length; i++) {
      expect(boxes[i * 4]! * 64).toBeCloseTo(64 - drawn.boxes[i * 4 + 2]!, 4);
      expect(boxes[i * 4 + 2]! * 64).toBeCloseTo(64 - drawn.boxes[i * 4]!, 4);
      expect(boxes[i * 4 + 1]! * 64).toBeCloseTo(drawn.boxes[i * 4 + 1]!, 4);
    }
  });

  it('under random scale, crop, flip and colour jitter every box is its object’s mask extent, and the pixels follow', () => {
    let checked = 0;
    for (let k = 0; k < 12; k++) {
      const drawn = drawShapes(7, k, { size: 96, minObjects: 2, maxObjects: 4 });
      const rng = new Rng(100 + k);
      const p = randomPlacement(rng, 96, 96, 80, aug);
      const sample = toSample(
        { image: drawn.image, detection: { boxes: drawn.boxes, classes: drawn.classes }, segmentation: Int32Array.from(drawn.mask) },
        p,
        (im) => colourJitter(im, rng, { ...aug, brightness: 0, contrast: 0, saturation: 0 }),
      );
      const labels = sample.labels![SEGMENTATION_LABEL]!.data;
      const image = sample.inputs.image!.data;
      const { boxes, classes } = sample.ragged![DETECTION_LABEL]!;
      for (let i = 0; i < classes!.shape[0]!; i++) {
        const box = Array.from(boxes!.data.subarray(i * 4, i * 4 + 4), (v, j) => v * (j % 2 === 0 ? p.width : p.height));
        const cls = classes!.data[i]! + 1;
        const seen = extent(labels, 80, cls, box, 1);
        // the mask never reaches more than a pixel past its box; nearest sampling may miss a thin tip (a triangle's
        // apex) when scaling down, so the pixels may stop up to two pixels short of it
        const outside = [box[0]! - seen[0]!, box[1]! - seen[1]!, seen[2]! - box[2]!, seen[3]! - box[3]!];
        for (const d of outside) {
          expect(d).toBeLessThanOrEqual(1);
          expect(d).toBeGreaterThanOrEqual(-2);
        }
        // the pixels labelled with the object have the object's colour (drawn ±10 around one colour)
        let sum = 0;
        let n = 0;
        for (let y = Math.ceil(box[1]!); y < Math.floor(box[3]!); y++) {
          for (let x = Math.ceil(box[0]!); x < Math.floor(box[2]!); x++) {
            // interior pixels only: bilinear sampling blends the edge pixels with the background
            if ([-1, 0, 1].some((dy) => [-1, 0, 1].some((dx) => labels[(y + dy) * 80 + x + dx] !== cls))) continue;
            sum += (image[(y * 80 + x) * 3]! + 1) * 127.5;
            n += 1;
          }
        }
        // the source object this box came from: the one whose mapped centre is the box's centre
        const source = drawn.classes.findIndex((c, j) => {
          const [cx, cy] = toOutput(
            p,
            (drawn.boxes[j * 4]! + drawn.boxes[j * 4 + 2]!) / 2,
            (drawn.boxes[j * 4 + 1]! + drawn.boxes[j * 4 + 3]!) / 2,
          );
          return c === cls - 1 && Math.abs(cx - (box[0]! + box[2]!) / 2) < 3 && Math.abs(cy - (box[1]! + box[3]!) / 2) < 3;
        });
        if (n < 20 || source < 0) continue;
        let srcSum = 0;
        let srcN = 0;
        const sb = Array.from(drawn.boxes.subarray(source * 4, source * 4 + 4));
        for (let y = sb[1]!; y < sb[3]!; y++) {
          for (let x = sb[0]!; x < sb[2]!; x++) {
            if (drawn.mask[y * 96 + x] !== cls) continue;
            srcSum += drawn.image.data[(y * 96 + x) * 3]!;
            srcN += 1;
          }
        }
        expect(Math.abs(sum / n - srcSum / srcN)).toBeLessThan(12);
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(15);
  });

  it('is seeded: the same seed draws the same placement and colours', () => {
    const a = randomPlacement(new Rng(5), 200, 100, 64, aug);
    const b = randomPlacement(new Rng(5), 200, 100, 64, aug);
    expect(a).toEqual(b);
    const drawn = drawShapes(1, 1, { size: 32 });
    expect(colourJitter(drawn.image, new Rng(9), aug).data).toEqual(colourJitter(drawn.image, new Rng(9), aug).data);
  });

  it('letterboxes a wide image into the middle, padding grey and ignored', () => {
    const image = { data: new Uint8Array(40 * 20 * 3).fill(200), width: 40, height: 20 };
    const p = letterbox(40, 20, 20);
    expect(p.scale).toBe(0.5);
    expect(p.offsetY).toBe(5);
    const placed = placeImage(image, p);
    expect(placed.data[0]).toBe(114);
    expect(placed.data[(10 * 20 + 10) * 3]).toBe(200);
    const labels = placeLabels(new Int32Array(40 * 20).fill(2), 40, 20, p);
    expect(labels[0]).toBe(-1);
    expect(labels[10 * 20 + 10]).toBe(2);
  });
});
