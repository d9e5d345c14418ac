/** Id 0 pads a batch; id 1 stands for every word (or character) outside the vocabulary. */
export const PAD_ID = 0;
export const OOV_ID = 1;

/**
 * Words (or characters) to ids: PAD 0, OOV 1, then the entries that occur at least `minCount` times in the
 * training text, most frequent first (ties in first-seen order, so a vocabulary is reproducible).
 */
export class Vocabulary {
  private readonly ids: Map<string, number>;

  constructor(readonly entries: readonly string[]) {
    this.ids = new Map(entries.map((e, i) => [e, i + 2]));
  }

  /** Counts `items` and keeps those seen at least `minCount` times; `keep` adds entries regardless (pretrained words). */
  static fit(items: Iterable<string>, minCount = 1, keep: Iterable<string> = []): Vocabulary {
    const counts = new Map<string, number>();
    for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
    const kept = [...counts].filter(([, n]) => n >= minCount);
    kept.sort((a, b) => b[1] - a[1]);
    const entries = kept.map(([e]) => e);
    const seen = new Set(entries);
    for (const e of keep) {
      if (!seen.has(e)) {
        seen.add(e);
        entries.push(e);
      }
    }
    return new Vocabulary(entries);
  }

  /** Ids including PAD and OOV. */
  get size(): number {
    return this.entries.length + 2;
  }

  id(entry: string): number {
    return this.ids.get(entry) ?? OOV_ID;
  }

  has(entry: string): boolean {
    return this.ids.has(entry);
  }
}
