import { join } from 'node:path';
import { DataError, type DataSpec, type Dataset, type Sample, UsageError } from '@polytask/core';
import { convertTags, type TagScheme } from '../tags/schemes.js';
import { Vocabulary } from '../text/vocabulary.js';
import { readWordVectors } from '../text/word-vectors.js';
import { LengthBucketedDataset } from './bucketed-dataset.js';
import type { ResolvedDataConfig } from './config.js';
import { readConll } from './conll.js';
import { NlpState } from './preprocessing.js';
import type { LabelledSentence } from './sentence.js';
import { readSnipsSplit } from './snips.js';

/** A joint-frame label key: [intent id, slot ids…] per sentence, for `sentence_accuracy`. */
export interface FrameLabel {
  readonly key: string;
  readonly intent: string;
  readonly slots: string;
}

export interface LoadOptions {
  /** Dataset folder (the config's `root` resolved, or `--data`). */
  readonly root: string;
  /** Directory the config's relative paths (vectors) resolve against. */
  readonly configDir: string;
  /** A trained model's preprocessing: encode with it instead of fitting (eval). */
  readonly saved?: NlpState;
  readonly frames?: readonly FrameLabel[];
  /** Only these splits are read (eval reads one); default all. */
  readonly only?: readonly string[];
}

export interface NlpData {
  readonly splits: Record<string, Dataset>;
  readonly state: NlpState;
  readonly warnings: string[];
}

/** Name of the non-enumerable `DataSpec.meta` entry holding pretrained rows (kept out of model.json). */
export const WORD_VECTORS = 'wordVectors';

/** Pretrained rows of the word table, by word id (rows of words without a vector are NaN). */
export interface PretrainedTable {
  readonly dim: number;
  readonly rows: Float32Array;
}

function readSplit(config: ResolvedDataConfig, root: string, split: string): LabelledSentence[] {
  const sentences =
    config.format === 'snips'
      ? readSnipsSplit(root, split, { intent: config.intent, slots: config.slots })
      : readConll(join(root, `${split}.txt`), config.columns);
  return config.maxSentences ? sentences.slice(0, config.maxSentences) : sentences;
}

/** Scheme of a tag key as read (plain tags have none). */
function readScheme(config: ResolvedDataConfig, key: string): TagScheme {
  return config.plainTags.includes(key) ? 'none' : config.scheme;
}

function converted(s: LabelledSentence, config: ResolvedDataConfig, state: NlpState | undefined): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(s.tags).map(([key, tags]) => {
      const from = readScheme(config, key);
      const to = state?.prep.tags[key]?.scheme ?? (from === 'none' ? 'none' : config.trainScheme);
      return [key, convertTags(tags, from, to)];
    }),
  );
}

/** Fits vocabularies and label sets on the training sentences. */
function fit(config: ResolvedDataConfig, train: LabelledSentence[], all: LabelledSentence[], pretrained: Set<string>): NlpState {
  const normalize = (w: string) => {
    const l = config.lowercase ? w.toLowerCase() : w;
    return config.zeroDigits ? l.replace(/[0-9]/g, '0') : l;
  };
  const words = Vocabulary.fit(
    train.flatMap((s) => s.words.map(normalize)),
    config.minCount,
    // Words with a pretrained vector keep their row even when training text lacks them (no label is read).
    all.flatMap((s) => s.words.map(normalize)).filter((w) => pretrained.has(w)),
  );
  const chars = Vocabulary.fit(train.flatMap((s) => s.words.flatMap((w) => [...w])));
  const first = train[0];
  if (!first) throw new UsageError(`the training split has no sentences`);
  const tags: Record<string, { names: string[]; scheme: TagScheme }> = {};
  for (const key of Object.keys(first.tags)) {
    const from = readScheme(config, key);
    const scheme = from === 'none' ? 'none' : config.trainScheme;
    const names = [...new Set(train.flatMap((s) => convertTags(s.tags[key]!, from, scheme)))].sort();
    tags[key] = { names, scheme };
  }
  const classes: Record<string, string[]> = {};
  for (const key of Object.keys(first.classes)) classes[key] = [...new Set(train.map((s) => s.classes[key]!))].sort();
  return new NlpState({
    format: 'polytask-nlp',
    version: 1,
    words: [...words.entries],
    chars: [...chars.entries],
    lowercase: config.lowercase,
    zeroDigits: config.zeroDigits,
    maxWordLength: config.maxWordLength,
    tokenizer: config.tokenizer,
    tags,
    classes,
  });
}

/** Counts of labels absent from training, by label key, with a few examples. */
class UnseenCounter {
  readonly counts = new Map<string, { n: number; examples: Set<string> }>();
  note(key: string, name: string): void {
    const c = this.counts.get(key) ?? { n: 0, examples: new Set<string>() };
    c.n++;
    if (c.examples.size < 3) c.examples.add(name);
    this.counts.set(key, c);
  }
}

function encodeSentence(
  s: LabelledSentence,
  tags: Record<string, string[]>,
  state: NlpState,
  frames: readonly FrameLabel[],
  unseen: UnseenCounter,
): Sample {
  const labels: Sample['labels'] & object = {};
  const out: Record<string, { data: Int32Array; shape: number[] }> = {};
  for (const [key, names] of Object.entries(tags)) {
    if (!state.prep.tags[key]) continue;
    out[key] = { data: Int32Array.from(names, (n) => state.labelId(key, n, (u) => unseen.note(key, u))), shape: [names.length] };
  }
  for (const [key, name] of Object.entries(s.classes)) {
    if (!state.prep.classes[key]) continue;
    out[key] = { data: Int32Array.of(state.labelId(key, name, (u) => unseen.note(key, u))), shape: [] };
  }
  for (const f of frames) {
    const intent = out[f.intent];
    const slots = out[f.slots];
    if (!intent || !slots) continue;
    const data = new Int32Array(1 + slots.data.length);
    data[0] = intent.data[0]!;
    data.set(slots.data, 1);
    out[f.key] = { data, shape: [data.length] };
  }
  Object.assign(labels, out);
  return { inputs: state.encodeWords(s.words), labels };
}

/** The DataSpec of nlp batches: word ids [T], char ids [T, C], lengths; vocabulary sizes in `meta`. */
export function nlpDataSpec(state: NlpState, pretrained?: PretrainedTable): DataSpec {
  const meta: Record<string, unknown> = { words: state.words.size, chars: state.chars.size };
  // Non-enumerable: the trunk initialises its word table from it, and model.json (JSON of the spec) never holds it.
  if (pretrained) Object.defineProperty(meta, WORD_VECTORS, { value: pretrained, enumerable: false });
  return {
    inputs: {
      words: { shape: [-1], dtype: 'int32', vocabSizes: [state.words.size] },
      chars: { shape: [-1, -1], dtype: 'int32', vocabSizes: [state.chars.size] },
      lengths: { shape: [], dtype: 'int32' },
    },
    meta,
  };
}

function pretrainedTable(file: string, state: NlpState): PretrainedTable {
  const { dim, vectors } = readWordVectors(file, (w) => state.words.has(w));
  const rows = new Float32Array(state.words.size * dim).fill(Number.NaN);
  state.words.entries.forEach((w, i) => {
    const v = vectors.get(w);
    if (v) rows.set(v, (i + 2) * dim);
  });
  return { dim, rows };
}

/**
 * Reads the splits of an nlp dataset, fits (or reuses) the preprocessing on the training split and encodes every
 * sentence. Labels only in evaluation splits (intents, tags, multi-intent `a#b`) get ids no output has: scored as
 * errors and reported in `warnings`.
 */
export function loadNlpData(config: ResolvedDataConfig, options: LoadOptions): NlpData {
  const names = options.only ?? config.splits;
  const read = Object.fromEntries(names.map((split) => [split, readSplit(config, options.root, split)]));
  const vectorsFile = config.vectors ? join(options.configDir, config.vectors.file) : undefined;
  let state = options.saved;
  let pretrained: PretrainedTable | undefined;
  if (!state) {
    const train = read[config.trainSplit];
    if (!train) throw new UsageError(`no training split "${config.trainSplit}" among ${names.join(', ')}`);
    const words = vectorsFile ? new Set(readWordVectors(vectorsFile).vectors.keys()) : new Set<string>();
    state = fit(config, train, Object.values(read).flat(), words);
    if (vectorsFile) pretrained = pretrainedTable(vectorsFile, state);
  }
  const warnings: string[] = [];
  const spec = nlpDataSpec(state, pretrained);
  const positionKeys = [...Object.keys(state.prep.tags), ...(options.frames ?? []).map((f) => f.key)];
  const splits: Record<string, Dataset> = {};
  for (const [split, sentences] of Object.entries(read)) {
    const unseen = new UnseenCounter();
    const samples = sentences.map((s) => encodeSentence(s, converted(s, config, state), state!, options.frames ?? [], unseen));
    for (const [key, { n, examples }] of unseen.counts) {
      warnings.push(
        `split "${split}": ${n} ${key} label${n === 1 ? '' : 's'} not seen in training (e.g. ${[...examples].join(', ')}), scored as errors`,
      );
    }
    if (samples.length === 0) throw new DataError(split, undefined, undefined, 'the split has no sentences');
    const lengths = Int32Array.from(sentences, (s) => s.words.length);
    splits[split] = new LengthBucketedDataset(samples, lengths, spec, { positionMasks: positionKeys });
  }
  return { splits, state, warnings };
}
