import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataError, UsageError } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { CENSUS_COLUMNS, censusFeatures } from './census-income.js';
import { resolveDataConfig } from './config.js';
import { loadRecsysData, USER_INPUT } from './load.js';

const ALI_CCP = join(import.meta.dirname, '../../../../../shared/datasets/ali-ccp-sample');
const dir = mkdtempSync(join(tmpdir(), 'recsys-data-'));

/** A census-format row (42 fields, `", "` between them) with the given age, marital status and income label. */
function censusRow(age: number, marital: string, income: string, weight = '1032.38'): string {
  const fields: string[] = CENSUS_COLUMNS.map(() => 'Not in universe');
  const set = (name: string, v: string) => {
    fields[CENSUS_COLUMNS.indexOf(name as (typeof CENSUS_COLUMNS)[number])] = v;
  };
  for (const n of ['detailed_industry_recode', 'detailed_occupation_recode', 'wage_per_hour', 'capital_gains', 'capital_losses'])
    set(n, '0');
  for (const n of ['dividends_from_stocks', 'num_persons_worked_for_employer', 'own_business_or_self_employed', 'veterans_benefits'])
    set(n, '0');
  set('weeks_worked_in_year', '52');
  set('year', '95');
  set('age', String(age));
  set('marital_stat', marital);
  set('instance_weight', weight);
  set('migration_code_change_in_msa', '?');
  set('citizenship', 'Foreign born- Not a citizen of U S ');
  set('income', income);
  return fields.join(', ');
}

describe('census-income-kdd', () => {
  it('derives income (50000+.) and never_married (Never married); the weight and labels are not features', async () => {
    const rows = [
      censusRow(38, 'Married-civilian spouse present', '- 50000.'),
      censusRow(52, 'Never married', '50000+.'),
      censusRow(2, 'Never married', '- 50000.'),
      censusRow(45, 'Divorced', '50000+.'),
      censusRow(70, 'Widowed', '- 50000.'),
    ];
    writeFileSync(join(dir, 'mini.csv'), `${rows.join('\n')}\n`);
    const config = resolveDataConfig({ preset: 'census-income-kdd', root: dir, file: 'mini.csv', split: { fractions: { train: 1 } } });
    const names = config.features.map((f) => f.column ?? f.name);
    expect(names).not.toContain('instance_weight');
    expect(names).not.toContain('marital_stat');
    expect(names).not.toContain('income');
    expect(names).toHaveLength(39);
    const data = await loadRecsysData(config, { root: dir });
    const train = data.splits.train!;
    expect(train.size).toBe(5);
    expect(Array.from(train.parts.labels.income!.data)).toEqual([0, 1, 0, 1, 0]);
    expect(Array.from(train.parts.labels.never_married!.data)).toEqual([0, 1, 1, 0, 0]);
    // '?' is the missing id 1; the trailing-space citizenship value was trimmed into the vocabulary
    const fields = data.pipeline.layout.sparseFields;
    const sparse = train.parts.inputs.sparse!.data;
    expect(sparse[fields.indexOf('migration_code_change_in_msa')]).toBe(1);
    expect(data.pipeline.state.features.find((f) => f.config.name === 'citizenship')!.vocabulary).toEqual([
      'Foreign born- Not a citizen of U S',
    ]); // seen 5 times = minCount
    expect(train.spec.inputs.sparse!.vocabSizes).toEqual(data.pipeline.layout.sparseVocabSizes);
  });

  it('splits one file 80/10/10 with a seed, the same way every time', async () => {
    const rows = Array.from({ length: 50 }, (_, i) =>
      censusRow(20 + i, i % 2 ? 'Never married' : 'Divorced', i % 5 ? '- 50000.' : '50000+.'),
    );
    writeFileSync(join(dir, 'fifty.csv'), `${rows.join('\n')}\n`);
    const config = resolveDataConfig({ preset: 'census-income-kdd', root: dir, file: 'fifty.csv' });
    expect(config.split).toEqual({ fractions: { train: 0.8, valid: 0.1, test: 0.1 }, seed: 1 });
    expect([config.trainSplit, config.validSplit, config.testSplit]).toEqual(['train', 'valid', 'test']);
    const a = await loadRecsysData(config, { root: dir });
    const b = await loadRecsysData(config, { root: dir });
    expect([a.splits.train!.size, a.splits.valid!.size, a.splits.test!.size]).toEqual([40, 5, 5]);
    expect(Array.from(a.splits.test!.parts.inputs.dense!.data)).toEqual(Array.from(b.splits.test!.parts.inputs.dense!.data));
  });

  it('the features preset keeps continuous fields numeric and coded fields categorical', () => {
    const byName = Object.fromEntries(censusFeatures().map((f) => [f.name, f.type]));
    expect(byName.age).toBe('numeric');
    expect(byName.capital_gains).toBe('numeric');
    expect(byName.detailed_industry_recode).toBe('categorical');
    expect(byName.year).toBe('categorical');
  });

  it('a missing label names file, line and field', async () => {
    writeFileSync(join(dir, 'nolabel.csv'), `${censusRow(30, 'Divorced', '- 50000.')}\n${censusRow(31, '?', '- 50000.')}\n`);
    const config = resolveDataConfig({ preset: 'census-income-kdd', root: dir, file: 'nolabel.csv', split: { fractions: { train: 1 } } });
    await expect(loadRecsysData(config, { root: dir })).rejects.toThrow(
      `${join(dir, 'nolabel.csv')}, line 2, field "marital_stat": missing label`,
    );
  });
});

describe('ali-ccp sample', () => {
  it('reads the three files: 23 sparse + 8 dense features, click/purchase labels, CVR masked to clicks', async () => {
    const config = resolveDataConfig({ preset: 'ali-ccp', root: ALI_CCP });
    expect([config.trainSplit, config.validSplit, config.testSplit]).toEqual(['train', 'val', 'test']);
    const data = await loadRecsysData(config, { root: ALI_CCP });
    expect(data.pipeline.layout.sparseFields).toHaveLength(23);
    expect(data.pipeline.layout.denseColumns).toHaveLength(8);
    const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);
    const counts = Object.fromEntries(
      Object.entries(data.splits).map(([name, d]) => [
        name,
        [d.size, sum(d.parts.labels.ctr!.data), sum(d.parts.labels.ctcvr!.data), sum(d.parts.masks!.cvr!)],
      ]),
    );
    expect(counts).toEqual({ train: [100, 7, 1, 7], val: [50, 3, 1, 3], test: [50, 2, 1, 2] });
    const train = data.splits.train!;
    const click = train.parts.labels.ctr!.data;
    const buy = train.parts.labels.cvr!.data;
    for (let i = 0; i < train.size; i++) expect(buy[i]! <= click[i]!).toBe(true);
    expect(train.parts.inputs[USER_INPUT]).toBeUndefined();
  });

  it('adds user ids for GAUC when a user column is configured', async () => {
    const config = resolveDataConfig({
      preset: 'ali-ccp',
      root: ALI_CCP,
      user: '101',
      features: [{ name: 'f121', column: '121', type: 'categorical' }],
    });
    const data = await loadRecsysData(config, { root: ALI_CCP });
    const users = data.splits.train!.parts.inputs[USER_INPUT]!;
    expect(users.shape).toEqual([]);
    expect(users.data).toBeInstanceOf(Int32Array);
  });
});

describe('bad input', () => {
  const header = 'click,purchase,u,price';
  it('a non-numeric cell names file, line and field', async () => {
    writeFileSync(join(dir, 'bad.csv'), `${header}\n1,0,a,1.5\n0,0,b,oops\n`);
    const config = resolveDataConfig({
      root: dir,
      files: { train: 'bad.csv' },
      features: [
        { name: 'u', type: 'categorical' },
        { name: 'price', type: 'numeric' },
      ],
      labels: { ctr: { column: 'click' } },
    });
    const err = await loadRecsysData(config, { root: dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as Error).message).toBe(`${join(dir, 'bad.csv')}, line 3, field "price": not a number: "oops"`);
  });

  it('a label cell in data.missing is a missing label, not a negative', async () => {
    writeFileSync(join(dir, 'na.csv'), 'income,u\nhigh,a\nlow,b\nNA,c\n');
    const config = resolveDataConfig({
      root: dir,
      files: { train: 'na.csv' },
      missing: ['NA'],
      features: [{ name: 'u', type: 'categorical' }],
      labels: { income: { column: 'income', positive: ['high'] } },
    });
    await expect(loadRecsysData(config, { root: dir })).rejects.toThrow(`${join(dir, 'na.csv')}, line 4, field "income": missing label`);
    writeFileSync(join(dir, 'na.csv'), 'income,u\nhigh,a\nlow,b\n');
    expect(Array.from((await loadRecsysData(config, { root: dir })).splits.train!.parts.labels.income!.data)).toEqual([1, 0]);
  });

  it('a label that is not 0/1, a missing column, a short row', async () => {
    writeFileSync(join(dir, 'label.csv'), `${header}\n1,0,a,1\n2,0,b,2\n`);
    const base = { root: dir, features: [{ name: 'u', type: 'categorical' }], labels: { ctr: { column: 'click' } } };
    await expect(loadRecsysData(resolveDataConfig({ ...base, files: { train: 'label.csv' } }), { root: dir })).rejects.toThrow(
      /label\.csv, line 3, field "click": expected a 0\/1 label, found "2"/,
    );
    const noColumn = resolveDataConfig({ ...base, files: { train: 'label.csv' }, features: [{ name: 'nope', type: 'categorical' }] });
    await expect(loadRecsysData(noColumn, { root: dir })).rejects.toThrow(/label\.csv, line 1, field "nope": no such column/);
    writeFileSync(join(dir, 'short.csv'), `${header}\n1,0,a,1\n0,0,b\n`);
    await expect(loadRecsysData(resolveDataConfig({ ...base, files: { train: 'short.csv' } }), { root: dir })).rejects.toThrow(
      /short\.csv, line 3: expected 4 fields, found 3/,
    );
  });

  it('config problems are UsageErrors naming the field', () => {
    const bad = () =>
      resolveDataConfig({
        root: dir,
        files: { train: 'x.csv' },
        features: [{ name: 'click', type: 'categorical' }],
        labels: { ctr: { column: 'click' } },
      });
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/field "data\.features\[0\]": feature reads the label column "click"/);
    expect(() => resolveDataConfig({ root: dir, features: [{ name: 'a', type: 'categorical' }], labels: {} })).toThrow(
      /give either "files"/,
    );
    expect(() => resolveDataConfig({ preset: 'ali-ccp', root: dir, testSplit: 'holdout' })).toThrow(/split "holdout" is not one of/);
    expect(() => resolveDataConfig({ preset: 'ali-ccp', root: dir, features: [{ name: 'x', type: 'numeric', bucketize: {} }] })).toThrow(
      /exactly one of "boundaries" and "quantiles"/,
    );
  });

  it('split fractions that do not add up to 1 are a UsageError (the last split would take the rest)', async () => {
    const rows = ['x,click', ...Array.from({ length: 100 }, (_, i) => `${i},${i % 2}`)];
    writeFileSync(join(dir, 'hundred.csv'), `${rows.join('\n')}\n`);
    const base = { root: dir, file: 'hundred.csv', features: [{ name: 'x', type: 'numeric' }], labels: { ctr: { column: 'click' } } };
    const bad = () => resolveDataConfig({ ...base, split: { fractions: { train: 0.5, test: 0.1 } } });
    expect(bad).toThrow(UsageError);
    expect(bad).toThrow(/field "data\.split\.fractions": the split fractions must add up to 1/);
    const data = await loadRecsysData(resolveDataConfig({ ...base, split: { fractions: { train: 0.9, test: 0.1 } } }), { root: dir });
    expect([data.splits.train!.size, data.splits.test!.size]).toEqual([90, 10]);
  });
});
