import { DataError } from '@polytask/core';
import { describe, expect, it } from 'vitest';
import { bucketId, quantileBoundaries, signedLog } from './numeric.js';
import { FeaturePipeline, type RawValue } from './pipeline.js';
import type { FeatureConfigInput } from './schema.js';
import { fnv1a, hashId } from './vocabulary.js';

type Row = Record<string, RawValue>;

function fit(features: FeatureConfigInput[], rows: Row[]): FeaturePipeline {
  const fitter = FeaturePipeline.fitter(features);
  rows.forEach((r, i) => {
    fitter.add((c) => r[c], { file: 'train.csv', line: i + 2 });
  });
  return fitter.finish();
}

function encode(p: FeaturePipeline, rows: Row[]) {
  const enc = p.createEncoder();
  rows.forEach((r, i) => {
    enc.push((c) => r[c], { file: 'test.csv', line: i + 2 });
  });
  const cols = enc.build();
  return {
    sparse: cols.sparse ? Array.from(cols.sparse.data) : [],
    dense: cols.dense ? Array.from(cols.dense.data) : [],
    multi: cols.multi ? Array.from(cols.multi.data) : [],
  };
}

describe('categorical features', () => {
  it('fits a vocabulary with minCount: frequent values get ids 2.. by frequency, rare/unseen → 0, missing → 1', () => {
    const rows = ['b', 'a', 'b', 'c', 'a', 'b', '?', ''].map((v) => ({ color: v }));
    const p = fit([{ name: 'color', type: 'categorical', minCount: 2 }], rows);
    expect(p.state.features[0]!.vocabulary).toEqual(['b', 'a']); // c seen once: dropped
    expect(p.layout.sparseVocabSizes).toEqual([4]);
    expect(
      encode(
        p,
        ['b', 'a', 'c', 'zzz', '?', '', ' ? '].map((v) => ({ color: v })),
      ).sparse,
    ).toEqual([2, 3, 0, 0, 1, 1, 1]);
    expect(encode(p, [{ color: null }, {}]).sparse).toEqual([1, 1]);
  });

  it('breaks frequency ties by value and caps the size', () => {
    const rows = ['y', 'x', 'z', 'x', 'y', 'z', 'w'].map((v) => ({ k: v }));
    const p = fit([{ name: 'k', type: 'categorical', maxSize: 2 }], rows);
    expect(p.state.features[0]!.vocabulary).toEqual(['x', 'y']);
  });

  it('hashes stably into buckets (FNV-1a), without fitting', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c); // published FNV-1a 32-bit test vector
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
    const p = fit([{ name: 'user', type: 'categorical', hashBuckets: 10 }], [{ user: 'u1' }]);
    expect(p.state.features[0]!.vocabulary).toBeUndefined();
    expect(p.layout.sparseVocabSizes).toEqual([12]);
    const ids = encode(p, [{ user: 'u1' }, { user: 'never-seen' }, { user: '?' }]).sparse;
    expect(ids).toEqual([hashId('u1', 10), hashId('never-seen', 10), 1]);
    expect(ids[0]).toBe(2 + (fnv1a('u1') % 10));
    // a fresh pipeline from JSON hashes the same way
    expect(encode(FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON()))), [{ user: 'u1' }]).sparse).toEqual([ids[0]]);
  });

  it('reads JSON numbers and strings alike', () => {
    const p = fit([{ name: 'code', type: 'categorical' }], [{ code: '37' }, { code: '37' }, { code: '4' }]);
    expect(encode(p, [{ code: 37 }, { code: '4' }]).sparse).toEqual([2, 3]);
  });

  it('a JSON number equal to a missing token is missing, as its CSV spelling is', () => {
    const fitter = FeaturePipeline.fitter(
      [
        { name: 'code', type: 'categorical' },
        { name: 'x', type: 'numeric', indicator: true, bucketize: { boundaries: [0] } },
      ],
      ['-1', ''],
    );
    for (const [code, x] of [
      ['5', '2'],
      ['-1', '-1'],
      ['5', '4'],
    ])
      fitter.add((c) => (c === 'code' ? code : x), { file: 'train.csv', line: 2 });
    const p = fitter.finish();
    expect(p.state.features[1]!.mean).toBe(3); // -1 was left out of the moments
    const asCsv = encode(p, [{ code: '-1', x: '-1' }]);
    const asJson = encode(p, [{ code: -1, x: -1 }]);
    expect(asCsv).toEqual({ sparse: [1, 1], dense: [0, 1], multi: [] }); // missing id, mean fill, indicator
    expect(asJson).toEqual(asCsv);
  });
});

describe('numeric features', () => {
  it('standardizes with the training mean and population std; missing → the mean (0)', () => {
    const p = fit([{ name: 'x', type: 'numeric' }], [{ x: '1' }, { x: '2' }, { x: '3' }, { x: '?' }]);
    const f = p.state.features[0]!;
    expect(f.mean).toBeCloseTo(2, 12);
    expect(f.std).toBeCloseTo(Math.sqrt(2 / 3), 12);
    const d = encode(p, [{ x: '3' }, { x: '' }, { x: 0 }]).dense;
    expect(d[0]).toBeCloseTo(1 / Math.sqrt(2 / 3), 5);
    expect(d[1]).toBe(0);
    expect(d[2]).toBeCloseTo(-2 / Math.sqrt(2 / 3), 5);
  });

  it('applies the signed log before standardizing, clips first, and adds a missing indicator', () => {
    expect(signedLog(0)).toBe(0);
    expect(signedLog(Math.E - 1)).toBeCloseTo(1, 12);
    expect(signedLog(-(Math.E - 1))).toBeCloseTo(-1, 12);
    const p = fit(
      [{ name: 'g', type: 'numeric', log: true, standardize: false, clip: [0, 99], missing: 'zero', indicator: true }],
      [{ g: '0' }, { g: '9' }],
    );
    expect(p.layout.denseColumns).toEqual(['g', 'g_missing']);
    const d = encode(p, [{ g: '9' }, { g: '1000' }, { g: '?' }, { g: '-5' }]).dense;
    expect(d[0]).toBeCloseTo(Math.log(10), 5);
    expect(d[1]).toBe(0);
    expect(d[2]).toBeCloseTo(Math.log(100), 5); // clipped to 99
    expect(d[3]).toBe(0);
    expect(d.slice(4, 6)).toEqual([0, 1]); // missing → raw 0, indicator 1
    expect(d[6]).toBe(0); // clipped to 0
  });

  it('bucketizes with explicit boundaries: k edges → k+1 buckets at ids 2.., missing → 1', () => {
    expect([-1, 0, 5, 9.99, 10, 50].map((x) => bucketId(x, [0, 10]))).toEqual([2, 3, 3, 3, 4, 4]);
    const p = fit([{ name: 'age', type: 'numeric', bucketize: { boundaries: [18, 65] }, dense: false }], [{ age: '30' }]);
    expect(p.layout.sparseFields).toEqual(['age_bucket']);
    expect(p.layout.sparseVocabSizes).toEqual([5]);
    expect(p.layout.denseColumns).toEqual([]);
    expect(encode(p, [{ age: '5' }, { age: '18' }, { age: '70' }, { age: '?' }]).sparse).toEqual([2, 3, 4, 1]);
  });

  it('rejects boundaries that are not strictly ascending (the bucket search needs sorted edges)', () => {
    expect(() => FeaturePipeline.fitter([{ name: 'age', type: 'numeric', bucketize: { boundaries: [65, 18] } }])).toThrow(
      /boundaries.*must be strictly ascending/,
    );
    expect(() => FeaturePipeline.fitter([{ name: 'age', type: 'numeric', bucketize: { boundaries: [18, 18] } }])).toThrow(
      /strictly ascending/,
    );
  });

  it('fits quantile buckets on the training values, merging repeated edges', () => {
    expect(quantileBoundaries([1, 2, 3, 4, 5, 6, 7, 8], 4)).toEqual([3, 5, 7]);
    expect(quantileBoundaries([0, 0, 0, 0, 0, 0, 5, 9], 4)).toEqual([5]);
    const rows = Array.from({ length: 100 }, (_, i) => ({ v: String(i) }));
    const p = fit([{ name: 'v', type: 'numeric', bucketize: { quantiles: 4 } }], rows);
    expect(p.state.features[0]!.boundaries).toEqual([25, 50, 75]);
  });

  it('rejects a non-number naming file, line and field', () => {
    const fitter = FeaturePipeline.fitter([{ name: 'x', type: 'numeric' }]);
    expect(() => fitter.add(() => 'abc', { file: 'train.csv', line: 7 })).toThrow(DataError);
    expect(() => fitter.add(() => 'abc', { file: 'train.csv', line: 7 })).toThrow('train.csv, line 7, field "x": not a number: "abc"');
    const p = fit([{ name: 'x', column: 'X', type: 'numeric' }], [{ X: '1' }]);
    expect(() => encode(p, [{ X: '1' }, { X: 'NaNa' }])).toThrow('test.csv, line 3, field "X": not a number: "NaNa"');
  });
});

describe('multi-valued features', () => {
  it('splits cells, maps values through the vocabulary, pads with -1; missing/empty → [1]', () => {
    const rows = [{ tags: 'a|b' }, { tags: 'b|c' }, { tags: 'b' }, { tags: '?' }];
    const p = fit([{ name: 'tags', type: 'multi', maxLength: 3 }], rows);
    expect(p.state.features[0]!.vocabulary).toEqual(['b', 'a', 'c']);
    expect(p.layout.multiVocabSizes).toEqual([5]);
    expect(encode(p, [{ tags: 'a|b|c|b' }, { tags: 'x' }, { tags: '' }, { tags: ['c', 'a'] }]).multi).toEqual([
      3,
      2,
      4, // truncated to maxLength
      0,
      -1,
      -1, // OOV
      1,
      -1,
      -1, // missing
      4,
      3,
      -1, // a JSON array
    ]);
  });
});

describe('pipeline layout and serialization', () => {
  it('orders fields, round-trips through JSON and encodes identically', () => {
    const features: FeatureConfigInput[] = [
      { name: 'city', type: 'categorical' },
      { name: 'price', type: 'numeric', log: true, bucketize: { boundaries: [10] } },
      { name: 'tags', type: 'multi', maxLength: 2 },
      { name: 'site', type: 'categorical', hashBuckets: 8 },
    ];
    const rows: Row[] = [
      { city: 'x', price: '5', tags: 't1', site: 's' },
      { city: 'y', price: '50', tags: 't2|t1', site: 'q' },
    ];
    const p = fit(features, rows);
    expect(p.layout.sparseFields).toEqual(['city', 'price_bucket', 'site']);
    expect(p.layout.denseColumns).toEqual(['price']);
    expect(p.layout.multiFields).toEqual(['tags']);
    expect(p.layout).toMatchObject({ sparseVocabSizes: [4, 4, 10], multiVocabSizes: [4] });
    expect(p.meta()).not.toHaveProperty('sparseVocabSizes'); // vocabularies travel on the inputs (InputSpec.vocabSizes)
    const copy = FeaturePipeline.fromJSON(JSON.parse(JSON.stringify(p.toJSON())));
    expect(encode(copy, rows)).toEqual(encode(p, rows));
    expect(() => FeaturePipeline.fromJSON({ format: 'other' })).toThrow(/invalid feature preprocessing/);
  });
});
