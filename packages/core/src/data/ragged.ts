/**
 * Variable-length targets per sample (boxes with classes, entity spans), kept on the host: sample i owns items
 * `offsets[i]` to `offsets[i + 1]` of `data`, each item of shape `itemShape` (e.g. [4] for a box, [] for a class id).
 * Batches carry them as they are; a task derives whatever dense training targets it needs from them per batch,
 * and metrics read them raw.
 */
export interface Ragged {
  readonly data: Float32Array | Int32Array;
  readonly itemShape: number[];
  /** length = samples + 1, offsets[0] = 0, non-decreasing. */
  readonly offsets: Int32Array;
}

/** The ragged fields of one task's targets by name, e.g. `{ boxes, classes }`, each with the same offsets. */
export type RaggedTargets = Record<string, Ragged>;

function itemWidth(itemShape: readonly number[]): number {
  return itemShape.reduce((a, b) => a * b, 1);
}

/** Number of samples of a ragged column. */
export function raggedLength(r: Ragged): number {
  return r.offsets.length - 1;
}

/** Items of sample i, flat (item k at [k·width, (k+1)·width)). */
export function raggedRow(r: Ragged, i: number): Float32Array | Int32Array {
  const w = itemWidth(r.itemShape);
  return r.data.subarray(r.offsets[i]! * w, r.offsets[i + 1]! * w);
}

/** Number of items of sample i. */
export function raggedCount(r: Ragged, i: number): number {
  return r.offsets[i + 1]! - r.offsets[i]!;
}

/** Builds a ragged column from per-sample flat item arrays. */
export function raggedFromRows(rows: ReadonlyArray<ArrayLike<number>>, itemShape: number[], dtype: 'float32' | 'int32'): Ragged {
  const w = itemWidth(itemShape);
  const offsets = new Int32Array(rows.length + 1);
  let total = 0;
  rows.forEach((row, i) => {
    if (row.length % w !== 0) throw new Error(`ragged row ${i} has ${row.length} values, not a multiple of the item size ${w}`);
    total += row.length / w;
    offsets[i + 1] = total;
  });
  const data = dtype === 'int32' ? new Int32Array(total * w) : new Float32Array(total * w);
  let o = 0;
  for (const row of rows) {
    data.set(row as ArrayLike<number>, o);
    o += row.length;
  }
  return { data, itemShape, offsets };
}

/** The samples `indices` of a ragged column, in that order (batch gathering, subsets). */
export function gatherRagged(r: Ragged, indices: ArrayLike<number>): Ragged {
  const rows = Array.from({ length: indices.length }, (_, k) => raggedRow(r, indices[k]!));
  return raggedFromRows(rows, r.itemShape, r.data instanceof Int32Array ? 'int32' : 'float32');
}

/** Concatenates ragged columns sample-wise (collating the samples of a batch). */
export function concatRagged(parts: readonly Ragged[]): Ragged {
  if (parts.length === 0) throw new Error('concatRagged needs at least one part');
  const rows = parts.flatMap((p) => Array.from({ length: raggedLength(p) }, (_, i) => raggedRow(p, i)));
  return raggedFromRows(rows, parts[0]!.itemShape, parts[0]!.data instanceof Int32Array ? 'int32' : 'float32');
}
