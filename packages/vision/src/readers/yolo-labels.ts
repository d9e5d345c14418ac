import { DataError } from '@polytask/core';

/** The boxes of one YOLO label file: normalised centre/size per line, as written. */
export interface YoloBoxes {
  /** [n, 4] cx cy w h in [0, 1]. */
  readonly boxes: Float32Array;
  /** [n] class ids as in the file. */
  readonly classes: Int32Array;
}

const FIELDS = ['class', 'cx', 'cy', 'w', 'h'] as const;

/**
 * Parses a YOLO detection label file (`class cx cy w h` per line, normalised). Blank lines are skipped; a line
 * with another number of fields, a value that is not a number, a coordinate outside [0, 1] or a class id the
 * dataset does not name is a `DataError` naming the file, the line and the field.
 */
export function parseYoloLabels(text: string, file: string, knownClass: (id: number) => boolean): YoloBoxes {
  const boxes: number[] = [];
  const classes: number[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '') return;
    const parts = line.split(/\s+/);
    if (parts.length !== 5) {
      throw new DataError(file, i + 1, undefined, `expected 5 values "class cx cy w h", found ${parts.length}`);
    }
    const values = parts.map((p, k) => {
      const v = Number(p);
      if (p === '' || !Number.isFinite(v)) throw new DataError(file, i + 1, FIELDS[k], `not a number: "${p}"`);
      return v;
    });
    const id = values[0]!;
    if (!Number.isInteger(id) || !knownClass(id)) throw new DataError(file, i + 1, 'class', `unknown class id ${parts[0]}`);
    for (let k = 1; k < 5; k++) {
      if (values[k]! < 0 || values[k]! > 1) throw new DataError(file, i + 1, FIELDS[k], `${parts[k]} is outside [0, 1]`);
    }
    classes.push(id);
    boxes.push(values[1]!, values[2]!, values[3]!, values[4]!);
  });
  return { boxes: Float32Array.from(boxes), classes: Int32Array.from(classes) };
}
