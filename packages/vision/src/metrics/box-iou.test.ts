import { describe, expect, it } from 'vitest';
import { boxArea, boxIou } from './box-iou.js';

describe('box IoU', () => {
  it('matches hand-computed overlaps', () => {
    expect(boxIou([0, 0, 2, 2], [0, 0, 2, 2])).toBe(1);
    // intersection 1×1 = 1, union 4 + 4 − 1 = 7
    expect(boxIou([0, 0, 2, 2], [1, 1, 3, 3])).toBeCloseTo(1 / 7, 12);
    // nested: 1 / 4
    expect(boxIou([1, 1, 2, 2], [0, 0, 2, 2])).toBeCloseTo(0.25, 12);
    // touching edges share no area
    expect(boxIou([0, 0, 1, 1], [1, 0, 2, 1])).toBe(0);
    expect(boxIou([0, 0, 1, 1], [5, 5, 6, 6])).toBe(0);
    expect(boxArea([0, 0, 3, 2])).toBe(6);
  });

  it('against a crowd region divides by the detection area', () => {
    // the detection lies wholly inside the crowd box
    expect(boxIou([1, 1, 2, 2], [0, 0, 10, 10], true)).toBe(1);
    // half of it inside
    expect(boxIou([9, 0, 11, 1], [0, 0, 10, 10], true)).toBeCloseTo(0.5, 12);
  });
});
