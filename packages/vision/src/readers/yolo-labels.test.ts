import { describe, expect, it } from 'vitest';
import { parseYoloLabels } from './yolo-labels.js';

const known = (id: number) => id >= 0 && id < 3;

describe('YOLO label files', () => {
  it('reads class cx cy w h per line, skipping blank lines', () => {
    const r = parseYoloLabels('0 0.5 0.5 0.2 0.4\n\n2 0.1 0.2 0.1 0.1\n', 'a.txt', known);
    expect(Array.from(r.classes)).toEqual([0, 2]);
    expect(Array.from(r.boxes)).toEqual([0.5, 0.5, 0.2, 0.4, 0.1, 0.2, 0.1, 0.1].map(Math.fround));
  });

  it('names the file, line and field of a bad line', () => {
    expect(() => parseYoloLabels('0 0.5 0.5 0.2 0.4\n1 0.5 abc 0.1 0.1', 'a.txt', known)).toThrow(
      'a.txt, line 2, field "cy": not a number: "abc"',
    );
    expect(() => parseYoloLabels('1 0.5 0.5 0.1', 'a.txt', known)).toThrow('a.txt, line 1: expected 5 values "class cx cy w h", found 4');
    expect(() => parseYoloLabels('7 0.5 0.5 0.1 0.1', 'a.txt', known)).toThrow('a.txt, line 1, field "class": unknown class id 7');
    expect(() => parseYoloLabels('1 1.5 0.5 0.1 0.1', 'a.txt', known)).toThrow('a.txt, line 1, field "cx": 1.5 is outside [0, 1]');
  });
});
