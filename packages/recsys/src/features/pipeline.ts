import { type Column, ColumnBuilder, DataError } from '@polytask/core';
import { z } from 'zod';
import { bucketId, parseNumber, quantileBoundaries, Reservoir, RunningMoments, signedLog } from './numeric.js';
import {
  DEFAULT_MISSING,
  FeatureConfig,
  type FeatureConfigInput,
  FIRST_ID,
  MISSING_ID,
  type MultiFeature,
  type NumericFeature,
} from './schema.js';
import { hashId, ValueCounter, Vocabulary } from './vocabulary.js';

/** A raw cell: a CSV string, or a JSON value of a predict record (arrays for multi-valued features). */
export type RawValue = string | number | boolean | null | undefined | readonly unknown[];

/** Reads the raw value of a source column of the current row. */
export type RowGetter = (column: string) => RawValue;

/** Where the current row comes from, for error messages. */
export interface RowSource {
  readonly file: string;
  readonly line?: number;
}

/** Names of the model inputs a pipeline produces. */
export const SPARSE_INPUT = 'sparse';
export const DENSE_INPUT = 'dense';
export const MULTI_INPUT = 'multi';

/** One fitted feature: its config and what was learned from the training rows. */
export const FittedFeature = z.object({
  config: FeatureConfig,
  /** Categorical / multi: vocabulary values in id order (id = FIRST_ID + index); absent under hashing. */
  vocabulary: z.array(z.string()).optional(),
  /** Numeric: moments of the transformed (clipped, logged) value, used to standardize. */
  mean: z.number().optional(),
  std: z.number().optional(),
  /** Numeric: the transformed value that replaces a missing cell (before standardizing). */
  fill: z.number().optional(),
  /** Numeric: bucket edges on the (clipped) raw value. */
  boundaries: z.array(z.number()).optional(),
});
export type FittedFeature = z.infer<typeof FittedFeature>;

/** The serialized pipeline (the `features` part of the saved preprocessing). */
export const PipelineState = z.object({
  format: z.literal('polytask-recsys-features'),
  version: z.literal(1),
  missing: z.array(z.string()),
  features: z.array(FittedFeature),
  /** Training rows the pipeline was fitted on. */
  rows: z.number().int().min(0),
});
export type PipelineState = z.infer<typeof PipelineState>;

/** What the encoded inputs look like: field order and vocabulary sizes (also the trunk's `data.meta`). */
export interface FeatureLayout {
  readonly sparseFields: string[];
  readonly sparseVocabSizes: number[];
  readonly denseColumns: string[];
  readonly multiFields: string[];
  readonly multiVocabSizes: number[];
  /** Values per multi-valued field in the `multi` input (the largest maxLength). */
  readonly multiLength: number;
}

function columnOf(config: FeatureConfig): string {
  return config.column ?? config.name;
}

function isMissing(value: RawValue, missing: ReadonlySet<string>): boolean {
  if (value === null || value === undefined) return true;
  if (typeof value === 'string') return missing.has(value.trim());
  // a JSON number must match a missing token the way its CSV spelling does (e.g. `missing: ["-1"]`), or predict
  // would read as a value what training read as missing
  if (typeof value === 'number') return Number.isNaN(value) || missing.has(String(value));
  return false;
}

function asString(value: RawValue): string {
  return typeof value === 'string' ? value.trim() : String(value);
}

function multiValues(value: RawValue, separator: string, missing: ReadonlySet<string>): string[] {
  if (Array.isArray(value)) return value.filter((v) => !isMissing(v as RawValue, missing)).map((v) => asString(v as RawValue));
  return asString(value)
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => !missing.has(s));
}

function numericTransform(config: NumericFeature, x: number): number {
  let v = x;
  if (config.clip) v = Math.min(Math.max(v, config.clip[0]), config.clip[1]);
  return config.log ? signedLog(v) : v;
}

interface FeatureFitter {
  add(value: RawValue, source: RowSource): void;
  finish(): FittedFeature;
}

/**
 * Fits a feature pipeline in one streaming pass over the training rows: value counts for vocabularies, running
 * moments for standardizing, a seeded reservoir sample for quantile buckets. Nothing else of a row is kept.
 */
export class PipelineFitter {
  private readonly fitters: FeatureFitter[];
  private readonly missing: ReadonlySet<string>;
  private rows = 0;

  constructor(
    readonly configs: readonly FeatureConfig[],
    readonly missingTokens: readonly string[] = DEFAULT_MISSING,
    seed = 0,
  ) {
    const missing = new Set(missingTokens);
    this.missing = missing;
    this.fitters = configs.map((config, index) => {
      const column = columnOf(config);
      if (config.type === 'categorical' || config.type === 'multi') {
        const counter = new ValueCounter();
        return {
          add: (value) => {
            if (config.hashBuckets !== undefined) return;
            if (config.type === 'multi') {
              if (isMissing(value, missing)) return;
              for (const v of multiValues(value, config.separator, missing)) counter.add(v);
            } else if (!isMissing(value, missing)) counter.add(asString(value));
          },
          finish: () => ({
            config,
            vocabulary: config.hashBuckets === undefined ? counter.vocabulary(config.minCount, config.maxSize) : undefined,
          }),
        };
      }
      const moments = new RunningMoments();
      const reservoir = config.bucketize?.quantiles ? new Reservoir(50_000, seed * 7919 + index) : undefined;
      return {
        add: (value, source) => {
          if (isMissing(value, missing)) return;
          const x = typeof value === 'number' ? value : parseNumber(asString(value));
          if (Number.isNaN(x)) throw new DataError(source.file, source.line, column, `not a number: "${asString(value)}"`);
          const clipped = config.clip ? Math.min(Math.max(x, config.clip[0]), config.clip[1]) : x;
          reservoir?.add(clipped);
          moments.add(numericTransform(config, x));
        },
        finish: () => {
          const mean = moments.count > 0 ? moments.mean : 0;
          const std = moments.std > 1e-12 ? moments.std : 1;
          const fill = config.missing === 'mean' ? mean : numericTransform(config, config.missing === 'zero' ? 0 : config.missing);
          const boundaries = config.bucketize
            ? (config.bucketize.boundaries ?? quantileBoundaries(reservoir?.values ?? [], config.bucketize.quantiles ?? 2))
            : undefined;
          return { config, mean, std, fill, boundaries };
        },
      };
    });
  }

  /** Adds one training row. */
  add(get: RowGetter, source: RowSource): void {
    this.rows += 1;
    for (let i = 0; i < this.configs.length; i++) this.fitters[i]!.add(get(columnOf(this.configs[i]!)), source);
  }

  finish(): FeaturePipeline {
    return new FeaturePipeline({
      format: 'polytask-recsys-features',
      version: 1,
      missing: [...this.missing],
      features: this.fitters.map((f) => f.finish()),
      rows: this.rows,
    });
  }
}

type Encoder =
  | { kind: 'sparse'; slot: number; encode(value: RawValue, source: RowSource): number }
  | { kind: 'numeric'; denseSlot: number; indicatorSlot: number; bucketSlot: number; f: FittedFeature & { config: NumericFeature } }
  | { kind: 'multi'; slot: number; f: FittedFeature & { config: MultiFeature }; vocab?: Vocabulary };

/**
 * A fitted feature pipeline: raw rows (CSV cells or JSON values) → `sparse` int32 [F] ids, `dense` float32 [D]
 * values and `multi` int32 [F_m, K] ids with −1 padding, the inputs of core's embedding trunk.
 * Serializes to JSON (`toJSON`) and back (`fromJSON`) as part of a trained model's preprocessing.
 */
export class FeaturePipeline {
  readonly layout: FeatureLayout;
  private readonly encoders: Encoder[];
  private readonly missing: ReadonlySet<string>;

  constructor(readonly state: PipelineState) {
    this.missing = new Set(state.missing);
    const sparseFields: string[] = [];
    const sparseVocabSizes: number[] = [];
    const denseColumns: string[] = [];
    const multiFields: string[] = [];
    const multiVocabSizes: number[] = [];
    let multiLength = 0;
    this.encoders = state.features.map((f): Encoder => {
      const c = f.config;
      if (c.type === 'categorical') {
        const slot = sparseFields.length;
        sparseFields.push(c.name);
        if (c.hashBuckets !== undefined) {
          const buckets = c.hashBuckets;
          sparseVocabSizes.push(FIRST_ID + buckets);
          return { kind: 'sparse', slot, encode: (v) => (isMissing(v, this.missing) ? MISSING_ID : hashId(asString(v), buckets)) };
        }
        const vocab = new Vocabulary(f.vocabulary ?? []);
        sparseVocabSizes.push(vocab.size);
        return { kind: 'sparse', slot, encode: (v) => (isMissing(v, this.missing) ? MISSING_ID : vocab.id(asString(v))) };
      }
      if (c.type === 'multi') {
        const slot = multiFields.length;
        multiFields.push(c.name);
        multiLength = Math.max(multiLength, c.maxLength);
        const vocab = c.hashBuckets === undefined ? new Vocabulary(f.vocabulary ?? []) : undefined;
        multiVocabSizes.push(vocab ? vocab.size : FIRST_ID + c.hashBuckets!);
        return { kind: 'multi', slot, f: f as FittedFeature & { config: MultiFeature }, vocab };
      }
      let denseSlot = -1;
      let indicatorSlot = -1;
      let bucketSlot = -1;
      if (c.dense) {
        denseSlot = denseColumns.length;
        denseColumns.push(c.name);
      }
      if (c.indicator) {
        indicatorSlot = denseColumns.length;
        denseColumns.push(`${c.name}_missing`);
      }
      if (f.boundaries) {
        bucketSlot = sparseFields.length;
        sparseFields.push(`${c.name}_bucket`);
        sparseVocabSizes.push(FIRST_ID + f.boundaries.length + 1);
      }
      return { kind: 'numeric', denseSlot, indicatorSlot, bucketSlot, f: f as FittedFeature & { config: NumericFeature } };
    });
    this.layout = { sparseFields, sparseVocabSizes, denseColumns, multiFields, multiVocabSizes, multiLength };
  }

  static fromJSON(json: unknown): FeaturePipeline {
    const parsed = PipelineState.safeParse(json);
    if (!parsed.success) throw new Error(`invalid feature preprocessing: ${parsed.error.issues[0]?.message ?? 'unknown problem'}`);
    return new FeaturePipeline(parsed.data);
  }

  /** Starts fitting on the training rows of a feature list (config input or parsed). */
  static fitter(features: readonly FeatureConfigInput[], missing: readonly string[] = DEFAULT_MISSING, seed = 0): PipelineFitter {
    return new PipelineFitter(
      features.map((f) => FeatureConfig.parse(f)),
      missing,
      seed,
    );
  }

  toJSON(): PipelineState {
    return this.state;
  }

  /** Source columns the pipeline reads. */
  get columns(): string[] {
    return this.state.features.map((f) => columnOf(f.config));
  }

  /** Field names of the encoded inputs (`DataSpec.meta`; vocabulary sizes travel on the inputs themselves). */
  meta(): Record<string, unknown> {
    const l = this.layout;
    return {
      sparseFields: l.sparseFields,
      denseColumns: l.denseColumns,
      multiFields: l.multiFields,
    };
  }

  createEncoder(capacity = 1024): FeatureEncoder {
    return new FeatureEncoder(this, capacity);
  }

  /** @internal Writes one row into the per-row buffers. */
  encodeInto(get: RowGetter, source: RowSource, sparse: Int32Array, dense: Float32Array, multi: Int32Array): void {
    const k = this.layout.multiLength;
    for (let i = 0; i < this.encoders.length; i++) {
      const e = this.encoders[i]!;
      const config = this.state.features[i]!.config;
      const value = get(columnOf(config));
      if (e.kind === 'sparse') {
        sparse[e.slot] = e.encode(value, source);
      } else if (e.kind === 'numeric') {
        const f = e.f;
        const c = f.config;
        let t: number;
        const missing = isMissing(value, this.missing);
        let raw = Number.NaN;
        if (missing) t = f.fill!;
        else {
          raw = typeof value === 'number' ? value : parseNumber(asString(value));
          if (Number.isNaN(raw)) throw new DataError(source.file, source.line, columnOf(c), `not a number: "${asString(value)}"`);
          t = numericTransform(c, raw);
        }
        if (e.denseSlot >= 0) dense[e.denseSlot] = c.standardize ? (t - f.mean!) / f.std! : t;
        if (e.indicatorSlot >= 0) dense[e.indicatorSlot] = missing ? 1 : 0;
        if (e.bucketSlot >= 0) {
          const clipped = c.clip ? Math.min(Math.max(raw, c.clip[0]), c.clip[1]) : raw;
          sparse[e.bucketSlot] = missing ? MISSING_ID : bucketId(clipped, f.boundaries!);
        }
      } else {
        const c = e.f.config;
        const base = e.slot * k;
        multi.fill(-1, base, base + k);
        if (isMissing(value, this.missing)) {
          multi[base] = MISSING_ID;
          continue;
        }
        const values = multiValues(value, c.separator, this.missing);
        if (values.length === 0) {
          multi[base] = MISSING_ID;
          continue;
        }
        const n = Math.min(values.length, c.maxLength);
        for (let j = 0; j < n; j++) {
          const v = values[j]!;
          multi[base + j] = e.vocab ? e.vocab.id(v) : hashId(v, c.hashBuckets!);
        }
      }
    }
  }
}

/** Accumulates encoded rows into growable typed columns (no per-row objects kept). */
export class FeatureEncoder {
  private readonly sparse: Int32Array;
  private readonly dense: Float32Array;
  private readonly multi: Int32Array;
  private readonly sparseBuilder?: ColumnBuilder;
  private readonly denseBuilder?: ColumnBuilder;
  private readonly multiBuilder?: ColumnBuilder;
  private count = 0;

  constructor(
    readonly pipeline: FeaturePipeline,
    capacity = 1024,
  ) {
    const l = pipeline.layout;
    this.sparse = new Int32Array(l.sparseFields.length);
    this.dense = new Float32Array(l.denseColumns.length);
    this.multi = new Int32Array(l.multiFields.length * l.multiLength);
    if (l.sparseFields.length > 0)
      this.sparseBuilder = new ColumnBuilder('int32', [l.sparseFields.length], capacity * l.sparseFields.length);
    if (l.denseColumns.length > 0)
      this.denseBuilder = new ColumnBuilder('float32', [l.denseColumns.length], capacity * l.denseColumns.length);
    if (l.multiFields.length > 0) {
      this.multiBuilder = new ColumnBuilder(
        'int32',
        [l.multiFields.length, l.multiLength],
        capacity * l.multiFields.length * l.multiLength,
      );
    }
  }

  get size(): number {
    return this.count;
  }

  push(get: RowGetter, source: RowSource): void {
    this.pipeline.encodeInto(get, source, this.sparse, this.dense, this.multi);
    this.sparseBuilder?.pushArray(this.sparse);
    this.denseBuilder?.pushArray(this.dense);
    this.multiBuilder?.pushArray(this.multi);
    this.count += 1;
  }

  /** The encoded inputs: `sparse`, `dense`, `multi` (only those the schema produces). */
  build(): Record<string, Column> {
    const out: Record<string, Column> = {};
    const { sparseVocabSizes, multiVocabSizes } = this.pipeline.layout;
    if (this.sparseBuilder) out[SPARSE_INPUT] = { ...this.sparseBuilder.build(), vocabSizes: sparseVocabSizes };
    if (this.denseBuilder) out[DENSE_INPUT] = this.denseBuilder.build();
    if (this.multiBuilder) out[MULTI_INPUT] = { ...this.multiBuilder.build(), vocabSizes: multiVocabSizes };
    return out;
  }
}
