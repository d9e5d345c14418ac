import { describeIssues, UsageError } from '@polytask/core';
import { z } from 'zod';
import { CsvOptions } from '../csv/reader.js';
import { DEFAULT_MISSING, FeatureConfig } from '../features/schema.js';
import { aliCcpPreset } from './ali-ccp.js';
import { censusIncomePreset } from './census-income.js';

/** A 0/1 column: `positive` lists the values that mean 1; without it the cell must read 0 or 1. */
export const BinaryColumn = z.strictObject({
  column: z.string().min(1),
  positive: z.array(z.string()).optional(),
});
export type BinaryColumn = z.infer<typeof BinaryColumn>;

/**
 * How one label key (normally a task name) is derived from a row. `mask` marks the samples that carry the label
 * (ESMM's CVR: labelled purchase, scored on clicked samples only); absent = every sample.
 */
export const LabelConfig = BinaryColumn.extend({
  mask: BinaryColumn.optional(),
});
export type LabelConfig = z.infer<typeof LabelConfig>;

export const SplitConfig = z.strictObject({
  /**
   * Named fractions of the rows of `file` (e.g. train 0.8, valid 0.1, test 0.1); core's seeded `splitIndices`.
   * They must add up to 1: the last split takes whatever the others leave, so {train 0.5, test 0.1} would test
   * on half of the rows.
   */
  fractions: z.record(z.string(), z.number().positive()).refine((f) => Math.abs(Object.values(f).reduce((a, b) => a + b, 0) - 1) < 1e-6, {
    message: 'the split fractions must add up to 1',
  }),
  /** Seed of the split, independent of the run seed so `--seed` never changes the test rows. */
  seed: z.number().int().default(1),
});

export const PRESETS = ['census-income-kdd', 'ali-ccp'] as const;

/** The `data` section of a recsys run config (after a preset's defaults are merged in). */
export const RecsysDataConfig = z
  .strictObject({
    /** A dataset preset whose settings the other keys override (shallow: a key given here replaces the preset's). */
    preset: z.enum(PRESETS).optional(),
    /** Dataset folder; relative to the config file. Replaced by `--data`. */
    root: z.string().min(1),
    /** One file per split (paths relative to `root`), in split order. */
    files: z.record(z.string(), z.string()).optional(),
    /** Or one file split into `split.fractions`. */
    file: z.string().optional(),
    split: SplitConfig.optional(),
    trainSplit: z.string().default('train'),
    /** Split that selects the best epoch; default `valid` or `val` when present. */
    validSplit: z.string().optional(),
    /** Split of the final metrics; default `test` when present. */
    testSplit: z.string().optional(),
    csv: CsvOptions.default(() => CsvOptions.parse({})),
    /** Cell values that mean "missing" (compared after trimming). */
    missing: z.array(z.string()).default(DEFAULT_MISSING),
    features: z.array(FeatureConfig).min(1),
    labels: z.record(z.string(), LabelConfig),
    /** User column: adds the `user_id` input and lets tasks report GAUC. */
    user: z.string().optional(),
    /** ESMM wiring: the tasks whose heads the `esmm-ctcvr` task multiplies. */
    esmm: z.strictObject({ ctr: z.string().default('ctr'), cvr: z.string().default('cvr') }).default({ ctr: 'ctr', cvr: 'cvr' }),
    /** Read at most this many data rows of each file (quick runs). */
    maxRows: z.number().int().positive().optional(),
  })
  .superRefine((d, ctx) => {
    if ((d.files === undefined) === (d.file === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'give either "files" (one per split) or "file" with "split"', path: ['files'] });
    }
    if (d.file !== undefined && d.split === undefined) {
      ctx.addIssue({ code: 'custom', message: '"file" needs "split.fractions"', path: ['split'] });
    }
    const splits = d.files ? Object.keys(d.files) : Object.keys(d.split?.fractions ?? {});
    for (const key of ['trainSplit', 'validSplit', 'testSplit'] as const) {
      const name = d[key];
      if (name !== undefined && splits.length > 0 && !splits.includes(name)) {
        ctx.addIssue({ code: 'custom', message: `split "${name}" is not one of ${splits.join(', ')}`, path: [key] });
      }
    }
    const labelColumns = new Set(Object.values(d.labels).flatMap((l) => [l.column, ...(l.mask ? [l.mask.column] : [])]));
    d.features.forEach((f, i) => {
      const column = f.column ?? f.name;
      if (labelColumns.has(column)) {
        ctx.addIssue({ code: 'custom', message: `feature reads the label column "${column}"`, path: ['features', i] });
      }
    });
    const names = d.features.map((f) => f.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) ctx.addIssue({ code: 'custom', message: `feature "${dup}" is defined twice`, path: ['features'] });
  });
export type RecsysDataConfig = z.infer<typeof RecsysDataConfig>;
export type RecsysDataConfigInput = z.input<typeof RecsysDataConfig>;

/** The defaults of a preset (a partial `data` section). */
export function presetDefaults(name: (typeof PRESETS)[number]): Partial<RecsysDataConfigInput> {
  return name === 'census-income-kdd' ? censusIncomePreset() : aliCcpPreset();
}

/** Merges a preset's defaults under the given `data` section and validates it; errors name the config field. */
export function resolveDataConfig(data: Record<string, unknown>, file = 'config'): RecsysDataConfig {
  const preset =
    typeof data.preset === 'string' && (PRESETS as readonly string[]).includes(data.preset)
      ? presetDefaults(data.preset as (typeof PRESETS)[number])
      : {};
  const merged = { ...preset, ...data };
  const parsed = RecsysDataConfig.safeParse(merged);
  if (!parsed.success) {
    const issues = new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
    throw new UsageError(`invalid config: ${describeIssues(file, issues)}`);
  }
  const d = parsed.data;
  const splits = d.files ? Object.keys(d.files) : Object.keys(d.split!.fractions);
  return {
    ...d,
    validSplit: d.validSplit ?? splits.find((s) => s === 'valid' || s === 'val' || s === 'validation'),
    testSplit: d.testSplit ?? splits.find((s) => s === 'test'),
  };
}
