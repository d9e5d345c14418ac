import { FIRST_ID, OOV_ID } from './schema.js';

/** 32-bit FNV-1a over the UTF-16 code units of a string: stable across runs, platforms and processes. */
export function fnv1a(value: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) {
    h ^= value.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Id of a present value under hashing: FIRST_ID + fnv1a(value) mod buckets. */
export function hashId(value: string, buckets: number): number {
  return FIRST_ID + (fnv1a(value) % buckets);
}

/** Streaming value counts of one field over the training rows. */
export class ValueCounter {
  private readonly counts = new Map<string, number>();

  add(value: string): void {
    this.counts.set(value, (this.counts.get(value) ?? 0) + 1);
  }

  /**
   * Values seen at least `minCount` times, most frequent first (ties by value, code-unit order), capped at
   * `maxSize` entries when > 0. Deterministic for the same counts.
   */
  vocabulary(minCount: number, maxSize = 0): string[] {
    const kept = [...this.counts].filter(([, c]) => c >= minCount);
    kept.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const values = kept.map(([v]) => v);
    return maxSize > 0 ? values.slice(0, maxSize) : values;
  }
}

/** A fitted vocabulary: value → id (FIRST_ID + rank); unknown values → OOV_ID. */
export class Vocabulary {
  private readonly index: Map<string, number>;

  constructor(readonly values: readonly string[]) {
    this.index = new Map(values.map((v, i) => [v, FIRST_ID + i]));
  }

  id(value: string): number {
    return this.index.get(value) ?? OOV_ID;
  }

  /** Ids of the field, reserved ones included. */
  get size(): number {
    return FIRST_ID + this.values.length;
  }
}
