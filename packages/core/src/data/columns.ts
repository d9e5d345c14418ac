/** A column of per-sample values stored flat: sample i occupies [i·width, (i+1)·width). */
export interface Column {
  readonly data: Float32Array | Int32Array;
  /** Per-sample shape ([] for scalars). */
  readonly shape: number[];
  /** Categorical ids: the number of ids of each field (see `InputSpec.vocabSizes`). */
  readonly vocabSizes?: number[];
}

export function columnWidth(column: Column): number {
  return column.shape.reduce((a, b) => a * b, 1);
}

export function columnLength(column: Column): number {
  return column.data.length / columnWidth(column);
}

/** Copies the rows `indices` of a column into a new flat array. */
export function gatherRows(column: Column, indices: ArrayLike<number>): Float32Array | Int32Array {
  const w = columnWidth(column);
  const out = column.data instanceof Int32Array ? new Int32Array(indices.length * w) : new Float32Array(indices.length * w);
  for (let i = 0; i < indices.length; i++) {
    const src = indices[i]! * w;
    if (w === 1) out[i] = column.data[src]!;
    else out.set(column.data.subarray(src, src + w), i * w);
  }
  return out;
}

/** A growable typed array: rows appended while streaming a file, without holding the file twice. */
export class ColumnBuilder {
  private buffer: Float32Array | Int32Array;
  private length = 0;

  constructor(
    readonly dtype: 'float32' | 'int32',
    readonly shape: number[] = [],
    capacity = 1024,
  ) {
    this.buffer = dtype === 'int32' ? new Int32Array(capacity) : new Float32Array(capacity);
  }

  push(...values: number[]): void {
    this.reserve(values.length);
    for (const v of values) this.buffer[this.length++] = v;
  }

  pushArray(values: ArrayLike<number>): void {
    this.reserve(values.length);
    for (let i = 0; i < values.length; i++) this.buffer[this.length++] = values[i]!;
  }

  private reserve(n: number): void {
    if (this.length + n <= this.buffer.length) return;
    const next =
      this.dtype === 'int32'
        ? new Int32Array(Math.max(this.buffer.length * 2, this.length + n))
        : new Float32Array(Math.max(this.buffer.length * 2, this.length + n));
    next.set(this.buffer.subarray(0, this.length));
    this.buffer = next;
  }

  build(): Column {
    return { data: this.buffer.slice(0, this.length), shape: this.shape };
  }
}
