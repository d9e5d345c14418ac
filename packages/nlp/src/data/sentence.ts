/** One labelled sentence as a reader produces it: words, per-token tag sequences and sentence labels, by label key. */
export interface LabelledSentence {
  readonly words: readonly string[];
  /** Per-token tags (slots, ner, pos, chunk), one per word. */
  readonly tags: Readonly<Record<string, readonly string[]>>;
  /** Sentence-level labels (intent). */
  readonly classes: Readonly<Record<string, string>>;
  /** Where it was read, for messages: the file and 1-based line of its first token. */
  readonly file: string;
  readonly line: number;
}
