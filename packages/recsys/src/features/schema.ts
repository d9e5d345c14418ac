import { z } from 'zod';

/**
 * Feature schema (the `data.features` list of a run config).
 *
 * Id conventions of every id-valued feature (categorical, bucketized numeric, multi-valued):
 * - id 0 = out of vocabulary: a value seen fewer than `minCount` times in the training rows, or never;
 * - id 1 = missing: a cell equal to one of `data.missing` (default `?` and the empty string);
 * - ids 2.. = the vocabulary (most frequent first; ties by value), the hash buckets, or the numeric buckets.
 * The vocabulary size of a field is therefore `2 + entries`.
 */
const Base = {
  /** Feature name (also the default source column). */
  name: z.string().min(1),
  /** Source column (CSV header name or configured name; key of a predict record). Default: `name`. */
  column: z.string().min(1).optional(),
};

export const CategoricalFeature = z.strictObject({
  ...Base,
  type: z.literal('categorical'),
  /** Values seen fewer times than this in the training rows map to the OOV id 0. */
  minCount: z.number().int().min(1).default(1),
  /** Keep at most this many most frequent values (0 = no cap). */
  maxSize: z.number().int().min(0).default(0),
  /** Hash values into this many buckets instead of fitting a vocabulary (no OOV; stable FNV-1a). */
  hashBuckets: z.number().int().positive().optional(),
});

export const Bucketize = z
  .strictObject({
    /** Ascending bucket edges on the raw value: bucket k holds boundaries[k-1] ≤ x < boundaries[k]. */
    boundaries: z.array(z.number()).optional(),
    /** Or: this many equal-frequency buckets fitted on (a seeded sample of) the training values. */
    quantiles: z.number().int().min(2).optional(),
  })
  .refine((b) => (b.boundaries === undefined) !== (b.quantiles === undefined), {
    message: 'bucketize needs exactly one of "boundaries" and "quantiles"',
  })
  // bucket ids come from a binary search over the edges: unsorted edges would give wrong ids silently
  .refine((b) => (b.boundaries ?? []).every((x, i, all) => i === 0 || x > all[i - 1]!), {
    message: 'bucketize "boundaries" must be strictly ascending',
    path: ['boundaries'],
  });

export const NumericFeature = z.strictObject({
  ...Base,
  type: z.literal('numeric'),
  /** Clamp the raw value to [min, max] first. */
  clip: z.tuple([z.number(), z.number()]).optional(),
  /** Signed log: sign(x)·ln(1 + |x|), applied after clipping. */
  log: z.boolean().default(false),
  /** Subtract the training mean and divide by the training standard deviation (after `log`). */
  standardize: z.boolean().default(true),
  /** A missing cell becomes the training mean ('mean', i.e. 0 after standardizing), 0, or this number (raw scale). */
  missing: z.union([z.enum(['mean', 'zero']), z.number()]).default('mean'),
  /** Add a 0/1 dense column that is 1 where the cell was missing. */
  indicator: z.boolean().default(false),
  /** Also emit a sparse field of value buckets (missing → id 1). */
  bucketize: Bucketize.optional(),
  /** Emit the transformed value as a dense column (false: only the buckets). */
  dense: z.boolean().default(true),
});

export const MultiFeature = z.strictObject({
  ...Base,
  type: z.literal('multi'),
  /** Separator of the values inside one cell (a JSON array also works in predict records). */
  separator: z.string().min(1).default('|'),
  /** Values per sample kept (the rest are dropped); shorter lists are padded with -1. */
  maxLength: z.number().int().positive().default(8),
  minCount: z.number().int().min(1).default(1),
  maxSize: z.number().int().min(0).default(0),
  hashBuckets: z.number().int().positive().optional(),
});

export const FeatureConfig = z.discriminatedUnion('type', [CategoricalFeature, NumericFeature, MultiFeature]);

export type CategoricalFeature = z.infer<typeof CategoricalFeature>;
export type NumericFeature = z.infer<typeof NumericFeature>;
export type MultiFeature = z.infer<typeof MultiFeature>;
export type FeatureConfig = z.infer<typeof FeatureConfig>;
export type FeatureConfigInput = z.input<typeof FeatureConfig>;

export const DEFAULT_MISSING = ['?', ''];

/** Reserved ids of every id-valued feature. */
export const OOV_ID = 0;
export const MISSING_ID = 1;
export const FIRST_ID = 2;
