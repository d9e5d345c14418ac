import type { EncodedRecords } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { parseRecsysPreprocessing, recsysDomain } from './adapter.js';
import { FeaturePipeline } from './features/pipeline.js';

/** Saved preprocessing as model.json holds it (plain JSON), with a vocabulary of `size` values v0, v1, … */
function savedPreprocessing(size: number): unknown {
  const fitter = FeaturePipeline.fitter([{ name: 'item', type: 'categorical' }]);
  for (let i = 0; i < size; i++) fitter.add(() => `v${i}`, { file: 'train.csv', line: i + 2 });
  const features = fitter.finish().toJSON();
  return JSON.parse(JSON.stringify({ format: 'polytask-recsys', version: 1, features, esmm: { ctr: 'ctr', cvr: 'cvr' }, labels: [] }));
}

describe('recsysDomain with a saved preprocessing', () => {
  it('parses saved preprocessing into its feature pipeline; a foreign one is an error naming the file and field', () => {
    const state = parseRecsysPreprocessing(savedPreprocessing(1000), 'm/model.json');
    expect(state.pipeline.layout.sparseVocabSizes).toEqual([1002]);
    expect(recsysDomain.serializePreprocessing(state)).toEqual(savedPreprocessing(1000));
    expect(() => parseRecsysPreprocessing({ format: 'other' }, 'm/model.json')).toThrow(/^m\/model\.json: field "preprocessing\.format"/);
  });

  it('encodes predict records with it, batch after batch', () => {
    const prep = parseRecsysPreprocessing(savedPreprocessing(3));
    for (let batch = 0; batch < 2; batch++) {
      const { inputs } = recsysDomain.encodeRecords(
        [{ item: 'v2' }, { item: 'unseen' }, {}],
        {} as never,
        prep,
        (i) => `in:${i + 1}`,
      ) as EncodedRecords;
      expect(inputs.sparse!.shape).toEqual([3, 1]);
      expect(Array.from(inputs.sparse!.dataSync())).toEqual([4, 0, 1]); // v2 → 2 + 2, OOV → 0, missing → 1
      tf.dispose(Object.values(inputs));
    }
  });
});
