import { type LoadedModel, loadModel } from '@polytask/core';
import { type RecsysState, recsysDomain } from './adapter.js';

/**
 * A trained recsys model (a `train --out` folder or its `model/`) ready to score raw impressions: records keyed by
 * CSV column, raw strings or numbers, through the saved feature pipeline. Select a backend first.
 *
 * ```ts
 * await selectBackend();
 * const trained = loadRecsysModel('runs/demo');
 * const [p] = await trained.predict([{ user_id: 'u216', item_id: 'i15', category: 'c6', tags: 't14', price: '2.94', age: '32', hour: '10' }]);
 * // p = { ctr: 0.41, cvr: 0.22, ctcvr: 0.09 }
 * trained.dispose();
 * ```
 */
export function loadRecsysModel(dir: string): LoadedModel<RecsysState> {
  return loadModel(dir, recsysDomain);
}
