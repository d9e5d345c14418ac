import { type HostTensor, parseSavedPreprocessing } from '@polytask/core';
import { z } from 'zod';
import { TAG_SCHEMES, type TagScheme } from '../tags/schemes.js';
import { TOKENIZERS } from '../text/tokenize.js';
import { Vocabulary } from '../text/vocabulary.js';

/** The class id of a sentence label that training never saw (the classifier's extra, never-trained class). */
export const UNSEEN_CLASS = '<unseen>';

/** What a trained nlp model keeps besides its weights (model.json `preprocessing`). */
export const NlpPreprocessing = z.object({
  format: z.literal('polytask-nlp'),
  version: z.literal(1),
  /** Word and character vocabularies (after PAD 0 and OOV 1). */
  words: z.array(z.string()),
  chars: z.array(z.string()),
  lowercase: z.boolean(),
  zeroDigits: z.boolean(),
  maxWordLength: z.number().int().positive(),
  tokenizer: z.enum(TOKENIZERS),
  /** Per-token label keys: the tag names seen in training (ids in order) and the scheme they are in. */
  tags: z.record(z.string(), z.object({ names: z.array(z.string()), scheme: z.enum(TAG_SCHEMES) })),
  /** Sentence label keys: the class names seen in training; id `names.length` is UNSEEN_CLASS. */
  classes: z.record(z.string(), z.array(z.string())),
});
export type NlpPreprocessing = z.infer<typeof NlpPreprocessing>;

/**
 * A model's preprocessing in use. `names` lists every label name by id: the trained ones, then (for tags) names met
 * only in evaluation data, which no model output can produce, so they are always scored as errors.
 */
export class NlpState {
  readonly words: Vocabulary;
  readonly chars: Vocabulary;
  readonly names: Record<string, string[]>;
  private readonly ids: Record<string, Map<string, number>>;

  constructor(readonly prep: NlpPreprocessing) {
    this.words = new Vocabulary(prep.words);
    this.chars = new Vocabulary(prep.chars);
    this.names = {};
    this.ids = {};
    for (const [key, { names }] of Object.entries(prep.tags)) this.names[key] = [...names];
    for (const [key, names] of Object.entries(prep.classes)) this.names[key] = [...names, UNSEEN_CLASS];
    for (const [key, names] of Object.entries(this.names)) this.ids[key] = new Map(names.map((n, i) => [n, i]));
  }

  /** Trained label ids of a key (the width of its head). */
  trainedCount(key: string): number {
    const tags = this.prep.tags[key];
    return tags ? tags.names.length : this.prep.classes[key]!.length + 1;
  }

  /** Id of a label; an unseen label gets an id no model output has (counted by `onUnseen`). */
  labelId(key: string, name: string, onUnseen: (name: string) => void): number {
    const known = this.ids[key]!.get(name);
    if (known !== undefined && name !== UNSEEN_CLASS) return known;
    onUnseen(name);
    if (this.prep.classes[key]) return this.prep.classes[key].length;
    const id = this.names[key]!.length;
    this.names[key]!.push(name);
    this.ids[key]!.set(name, id);
    return id;
  }

  /** The word as the vocabulary stores it. */
  normalizeWord(word: string): string {
    const w = this.prep.lowercase ? word.toLowerCase() : word;
    return this.prep.zeroDigits ? w.replace(/[0-9]/g, '0') : w;
  }

  /** Model inputs of one sentence: word ids [n], char ids [n, c] (c ≤ maxWordLength) and its length. */
  encodeWords(words: readonly string[]): Record<string, HostTensor> {
    const n = words.length;
    const width = Math.max(1, Math.min(this.prep.maxWordLength, ...words.map((w) => [...w].length)));
    const ids = Int32Array.from(words, (w) => this.words.id(this.normalizeWord(w)));
    const chars = new Int32Array(n * width);
    words.forEach((w, i) => {
      [...w].slice(0, width).forEach((ch, j) => {
        chars[i * width + j] = this.chars.id(ch);
      });
    });
    return {
      words: { data: ids, shape: [n] },
      chars: { data: chars, shape: [n, width] },
      lengths: { data: Int32Array.of(n), shape: [] },
    };
  }
}

/** Validates saved preprocessing (model.json's `preprocessing`). */
export function parseNlpPreprocessing(value: unknown, file = 'model.json'): NlpState {
  return new NlpState(parseSavedPreprocessing(NlpPreprocessing, value, file, 'an nlp preprocessing'));
}

/** Scheme of a label key's tags as trained. */
export function tagScheme(state: NlpState, key: string): TagScheme {
  return state.prep.tags[key]?.scheme ?? 'none';
}
