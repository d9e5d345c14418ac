import { describeIssues, UsageError } from '@polytask/core';
import { z } from 'zod';
import { TAG_SCHEMES } from '../tags/schemes.js';
import { TOKENIZERS } from '../text/tokenize.js';

export const FORMATS = ['snips', 'conll'] as const;

/** The `data` section of an nlp run config. */
export const NlpDataConfig = z.strictObject({
  /** `snips`: the SNIPS/ATIS folder format (`<split>/{seq.in, seq.out, label}`); `conll`: `<split>.txt` column files. */
  format: z.enum(FORMATS),
  /** Dataset folder; relative to the config file. Replaced by `--data`. */
  root: z.string().min(1),
  /** Split names (folders for snips, `<name>.txt` for conll); default train, dev, test (snips) or train, valid (conll). */
  splits: z.array(z.string().min(1)).min(1).optional(),
  trainSplit: z.string().default('train'),
  /** Split that selects the best epoch; default `dev` / `valid` when present. */
  validSplit: z.string().optional(),
  /** Split of the final metrics; default `test` when present, else the validation split. */
  testSplit: z.string().optional(),
  /** snips: label keys of the intent (the `label` file) and the slot tags (`seq.out`). */
  intent: z.string().default('intent'),
  slots: z.string().default('slots'),
  /** conll: label key → 0-based column (negative counts from the end: -1 is NER). */
  columns: z.record(z.string(), z.number().int()).default({ ner: -1 }),
  /** Tag scheme of the files' entity columns (iob1, iob2, iobes); CoNLL-2003 as shipped here is iob2 (SOURCE.md). */
  scheme: z.enum(TAG_SCHEMES).default('iob2'),
  /** Scheme the taggers train on and predict (entity F1 reads any); converted on reading. */
  trainScheme: z.enum(['iob2', 'iobes']).default('iob2'),
  /** Label keys of plain tags (POS), which no scheme applies to. */
  plainTags: z.array(z.string()).default(['pos']),
  /** How predict splits raw text into tokens (training data is pre-tokenized). */
  tokenizer: z.enum(TOKENIZERS).default('whitespace'),
  /** Lowercase words before the word vocabulary (characters keep their case). */
  lowercase: z.boolean().default(false),
  /** Replace every digit by 0 before the word vocabulary (dates, scores share rows). */
  zeroDigits: z.boolean().default(false),
  /** Training words seen fewer times map to the OOV id (their characters still reach the char features). */
  minCount: z.number().int().positive().default(1),
  /** Characters of a word the char features read (longer words are cut). */
  maxWordLength: z.number().int().positive().default(20),
  /** Pretrained word vectors (GloVe or word2vec text), relative to the config file; they initialise the word table. */
  vectors: z.strictObject({ file: z.string().min(1) }).optional(),
  /** Read at most this many sentences of each split (quick runs). */
  maxSentences: z.number().int().positive().optional(),
});
export type NlpDataConfig = z.infer<typeof NlpDataConfig>;
export type ResolvedDataConfig = NlpDataConfig & { splits: string[] };

/** Validates the `data` section; errors name the config field. Fills the format's default split names. */
export function resolveDataConfig(data: Record<string, unknown>, file = 'config'): ResolvedDataConfig {
  const parsed = NlpDataConfig.safeParse(data);
  if (!parsed.success) {
    const issues = new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
    throw new UsageError(`invalid config: ${describeIssues(file, issues)}`);
  }
  const d = parsed.data;
  const splits = d.splits ?? (d.format === 'snips' ? ['train', 'dev', 'test'] : ['train', 'valid']);
  const validSplit = d.validSplit ?? splits.find((s) => s === 'dev' || s === 'valid' || s === 'val' || s === 'validation');
  const testSplit = d.testSplit ?? splits.find((s) => s === 'test') ?? validSplit;
  for (const [field, name] of [
    ['trainSplit', d.trainSplit],
    ['validSplit', validSplit],
    ['testSplit', testSplit],
  ] as const) {
    if (name !== undefined && !splits.includes(name)) {
      throw new UsageError(`invalid config: ${file}: field "data.${field}": split "${name}" is not one of ${splits.join(', ')}`);
    }
  }
  return { ...d, splits, validSplit, testSplit };
}
