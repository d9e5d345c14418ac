import { resolve } from 'node:path';
import { ColumnBuilder, DataError, InMemoryDataset, splitIndices } from '@polytask/core';
import { type CsvRow, readCsv } from '../csv/reader.js';
import { type FeatureEncoder, FeaturePipeline, type RowGetter, type RowSource } from '../features/pipeline.js';
import { DEFAULT_MISSING } from '../features/schema.js';
import type { BinaryColumn, RecsysDataConfig } from './config.js';

/** The input holding the integer user id of each sample (GAUC groups). */
export const USER_INPUT = 'user_id';

export interface RecsysData {
  readonly splits: Record<string, InMemoryDataset>;
  readonly pipeline: FeaturePipeline;
  readonly trainSplit: string;
  readonly validSplit?: string;
  readonly testSplit?: string;
  /** Labels that let a split measure little or nothing (constant), in words; see `labelProblems`. */
  readonly warnings: string[];
}

export interface LoadOptions {
  /** Dataset folder (already resolved: `--data` or `data.root` against the config's folder). */
  readonly root: string;
  /** A fitted pipeline (eval): encode with it instead of fitting on the training rows. */
  readonly pipeline?: FeaturePipeline;
  /** Seed of the pipeline fitting (quantile sampling). */
  readonly seed?: number;
}

/**
 * Reads a 0/1 cell of a row. With `positive`, a cell in `missing` (the `data.missing` tokens) is an error rather
 * than a silent negative; without it, anything but 0/1 is an error anyway.
 */
export function binaryValue(
  spec: BinaryColumn,
  raw: string | undefined,
  source: RowSource,
  missing: readonly string[] = DEFAULT_MISSING,
): number {
  const v = (raw ?? '').trim();
  if (spec.positive) {
    if (spec.positive.includes(v)) return 1;
    if (v === '' || missing.includes(v)) throw new DataError(source.file, source.line, spec.column, 'missing label');
    return 0;
  }
  const x = Number(v);
  if (v === '' || (x !== 0 && x !== 1)) throw new DataError(source.file, source.line, spec.column, `expected a 0/1 label, found "${v}"`);
  return x;
}

/** Column lookups of one file, checked once against its header. */
class RowAccess {
  private readonly index: Map<string, number>;
  private values: string[] = [];
  readonly get: RowGetter = (column) => {
    const i = this.index.get(column);
    return i === undefined ? undefined : this.values[i];
  };

  constructor(file: string, columns: readonly string[], needed: readonly string[]) {
    this.index = new Map(columns.map((c, i) => [c, i]));
    for (const c of needed) {
      if (!this.index.has(c)) throw new DataError(file, 1, c, `no such column; the file has: ${columns.join(', ')}`);
    }
  }

  set(row: CsvRow): void {
    this.values = row.values;
  }

  raw(column: string): string | undefined {
    return this.values[this.index.get(column)!];
  }
}

/** Everything one split accumulates while streaming. */
class SplitBuilder {
  readonly encoder: FeatureEncoder;
  readonly labels: Map<string, ColumnBuilder>;
  readonly masks: Map<string, ColumnBuilder>;
  readonly users?: ColumnBuilder;
  /** Some raw values of each label column that matched none of its `positive` values (for the message). */
  readonly negatives = new Map<string, Set<string>>();

  constructor(
    pipeline: FeaturePipeline,
    private readonly config: RecsysDataConfig,
    private readonly userIds: Map<string, number>,
  ) {
    this.encoder = pipeline.createEncoder();
    this.labels = new Map(Object.keys(config.labels).map((k) => [k, new ColumnBuilder('float32')]));
    this.masks = new Map(
      Object.entries(config.labels)
        .filter(([, l]) => l.mask)
        .map(([k]) => [k, new ColumnBuilder('float32')]),
    );
    if (config.user) this.users = new ColumnBuilder('int32');
  }

  push(access: RowAccess, source: RowSource): void {
    for (const [key, spec] of Object.entries(this.config.labels)) {
      const missing = this.config.missing;
      const raw = access.raw(spec.column);
      const value = binaryValue(spec, raw, source, missing);
      this.labels.get(key)!.push(value);
      if (spec.positive && value === 0) {
        const seen = this.negatives.get(key) ?? new Set<string>();
        if (seen.size < 5) seen.add((raw ?? '').trim());
        this.negatives.set(key, seen);
      }
      if (spec.mask) this.masks.get(key)!.push(binaryValue(spec.mask, access.raw(spec.mask.column), source, missing));
    }
    if (this.users) {
      const u = (access.raw(this.config.user!) ?? '').trim();
      let id = this.userIds.get(u);
      if (id === undefined) {
        id = this.userIds.size;
        this.userIds.set(u, id);
      }
      this.users.push(id);
    }
    this.encoder.push(access.get, source);
  }

  build(pipeline: FeaturePipeline): InMemoryDataset {
    const inputs = this.encoder.build();
    if (this.users) inputs[USER_INPUT] = this.users.build();
    return new InMemoryDataset({
      inputs,
      labels: Object.fromEntries([...this.labels].map(([k, b]) => [k, b.build()])),
      masks: Object.fromEntries([...this.masks].map(([k, b]) => [k, b.build().data as Float32Array])),
      meta: pipeline.meta(),
    });
  }
}

function neededColumns(config: RecsysDataConfig): string[] {
  const cols = new Set<string>();
  for (const f of config.features) cols.add(f.column ?? f.name);
  for (const l of Object.values(config.labels)) {
    cols.add(l.column);
    if (l.mask) cols.add(l.mask.column);
  }
  if (config.user) cols.add(config.user);
  return [...cols];
}

/**
 * The data rule for labels, per split: a label (among the samples its mask keeps) with only one value measures
 * nothing there (AUC is undefined, the task learns a constant) and is a warning; in the training split, a label
 * with configured `positive` values none of which occurs is an error, since the config most likely spells them
 * differently from the file.
 */
function labelProblems(
  split: string,
  file: string,
  builder: SplitBuilder,
  dataset: InMemoryDataset,
  config: RecsysDataConfig,
  training: boolean,
): string[] {
  const warnings: string[] = [];
  for (const [key, spec] of Object.entries(config.labels)) {
    const values = dataset.parts.labels[key]!.data;
    const mask = dataset.parts.masks?.[key];
    let kept = 0;
    let positives = 0;
    for (let i = 0; i < values.length; i++) {
      if (mask && mask[i] === 0) continue;
      kept += 1;
      if (values[i] === 1) positives += 1;
    }
    if (training && spec.positive && positives === 0 && kept > 0) {
      const seen = [...(builder.negatives.get(key) ?? [])].map((v) => JSON.stringify(v)).join(', ');
      throw new DataError(
        file,
        undefined,
        spec.column,
        `no training row has a positive label for "${key}": none of data.labels.${key}.positive (${spec.positive.map((v) => JSON.stringify(v)).join(', ')}) occurs; the column holds ${seen}`,
      );
    }
    const where = `${file}, field "${spec.column}"`;
    if (kept === 0) {
      warnings.push(`split "${split}": label "${key}" has no labelled sample (its mask "${spec.mask?.column}" is 0 everywhere) in ${file}`);
    } else if (positives === 0 || positives === kept) {
      warnings.push(
        `split "${split}": label "${key}" is ${positives === 0 ? 0 : 1} in all ${kept} labelled samples (${where}): it measures nothing there`,
      );
    }
  }
  return warnings;
}

/** A file that must hold data rows and holds none (empty, header only, or every line skipped). */
function noRows(file: string): DataError {
  return new DataError(file, undefined, undefined, 'no data rows (the file is empty, has only a header, or every line was skipped)');
}

/**
 * Streams the rows of a file (at most `maxRows`), calling `each` with a row accessor and the 0-based data-row
 * index. The file is never held: one row at a time.
 */
async function streamFile(
  file: string,
  config: RecsysDataConfig,
  each: (access: RowAccess, source: RowSource, index: number) => void,
): Promise<number> {
  let access: RowAccess | undefined;
  let n = 0;
  const needed = neededColumns(config);
  for await (const row of readCsv(file, config.csv)) {
    if (config.maxRows !== undefined && n >= config.maxRows) break;
    if (!access) access = new RowAccess(file, row.columns, needed);
    access.set(row);
    each(access, { file, line: row.line }, n);
    n += 1;
  }
  return n;
}

/**
 * Reads the splits of a recsys dataset: fits the feature pipeline in one streaming pass over the training rows
 * (unless a fitted one is given), then encodes every split in a second pass. A single-file dataset is counted
 * first and split with core's seeded `splitIndices`. Only encoded typed columns are kept in memory.
 */
export async function loadRecsysData(config: RecsysDataConfig, options: LoadOptions): Promise<RecsysData> {
  const root = options.root;
  const userIds = new Map<string, number>();

  if (config.files) {
    const files = Object.fromEntries(Object.entries(config.files).map(([s, f]) => [s, resolve(root, f)]));
    const trainFile = files[config.trainSplit];
    if (trainFile === undefined) throw new DataError(root, undefined, undefined, `no file for the training split "${config.trainSplit}"`);
    let pipeline = options.pipeline;
    if (!pipeline) {
      const fitter = FeaturePipeline.fitter(config.features, config.missing, options.seed ?? 0);
      const rows = await streamFile(trainFile, config, (access, source) => fitter.add(access.get, source));
      if (rows === 0) throw noRows(trainFile);
      pipeline = fitter.finish();
    }
    const splits: Record<string, InMemoryDataset> = {};
    const warnings: string[] = [];
    for (const [name, file] of Object.entries(files)) {
      const builder = new SplitBuilder(pipeline, config, userIds);
      const rows = await streamFile(file, config, (access, source) => builder.push(access, source));
      if (rows === 0) throw noRows(file);
      splits[name] = builder.build(pipeline);
      warnings.push(...labelProblems(name, file, builder, splits[name]!, config, name === config.trainSplit));
    }
    return { splits, pipeline, trainSplit: config.trainSplit, validSplit: config.validSplit, testSplit: config.testSplit, warnings };
  }

  const file = resolve(root, config.file!);
  const fractions = config.split!.fractions;
  const names = Object.keys(fractions);
  const count = await streamFile(file, config, () => {});
  if (count === 0) throw noRows(file);
  const assignment = new Uint8Array(count);
  const parts = splitIndices(count, fractions, config.split!.seed);
  names.forEach((name, s) => {
    for (const i of parts[name]!) assignment[i] = s;
  });
  const trainIndex = names.indexOf(config.trainSplit);
  let pipeline = options.pipeline;
  if (!pipeline) {
    const fitter = FeaturePipeline.fitter(config.features, config.missing, options.seed ?? 0);
    await streamFile(file, config, (access, source, i) => {
      if (assignment[i] === trainIndex) fitter.add(access.get, source);
    });
    pipeline = fitter.finish();
  }
  const fitted = pipeline;
  const builders = names.map(() => new SplitBuilder(fitted, config, userIds));
  await streamFile(file, config, (access, source, i) => builders[assignment[i]!]!.push(access, source));
  const splits = Object.fromEntries(names.map((name, s) => [name, builders[s]!.build(fitted)]));
  const warnings: string[] = [];
  names.forEach((name, s) => {
    if (splits[name]!.size === 0) {
      throw new DataError(file, undefined, undefined, `split "${name}" gets no rows of the ${count} (data.split.fractions)`);
    }
    warnings.push(...labelProblems(name, file, builders[s]!, splits[name]!, config, name === config.trainSplit));
  });
  return { splits, pipeline: fitted, trainSplit: config.trainSplit, validSplit: config.validSplit, testSplit: config.testSplit, warnings };
}
