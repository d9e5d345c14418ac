import { describe, expect, it } from 'vitest';
import { drawShapes, SHAPE_CLASSES } from './shapes.js';

describe('synthetic shapes', () => {
  it('draws several objects per image, each box the exact extent of its own mask pixels', () => {
    let objects = 0;
    for (let i = 0; i < 20; i++) {
      const { image, boxes, classes, mask } = drawShapes(1, i, { size: 64, minObjects: 2, maxObjects: 4 });
      expect(image.data.length).toBe(64 * 64 * 3);
      expect(classes.length).toBeGreaterThanOrEqual(1);
      for (let k = 0; k < classes.length; k++) {
        const [x1, y1, x2, y2] = Array.from(boxes.subarray(k * 4, k * 4 + 4));
        let [mx1, my1, mx2, my2] = [64, 64, 0, 0];
        for (let y = y1! - 1; y <= y2!; y++) {
          for (let x = x1! - 1; x <= x2!; x++) {
            if (x < 0 || y < 0 || x >= 64 || y >= 64 || mask[y * 64 + x] !== classes[k]! + 1) continue;
            [mx1, my1, mx2, my2] = [Math.min(mx1, x), Math.min(my1, y), Math.max(mx2, x + 1), Math.max(my2, y + 1)];
          }
        }
        expect([mx1, my1, mx2, my2]).toEqual([x1, y1, x2, y2]);
        objects += 1;
      }
    }
    expect(objects).toBeGreaterThan(40);
  });

  it('is seeded and uses every class', () => {
    expect(drawShapes(4, 2).image.data).toEqual(drawShapes(4, 2).image.data);
    expect(drawShapes(4, 2).image.data).not.toEqual(drawShapes(4, 3).image.data);
    const seen = new Set<number>();
    for (let i = 0; i < 10; i++) for (const c of drawShapes(2, i).classes) seen.add(c);
    expect(seen.size).toBe(SHAPE_CLASSES.length);
  });
});
