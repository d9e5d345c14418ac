import { type LoadedModel, loadModel } from '@polytask/core';
import { nlpDomain } from './adapter.js';
import type { NlpState } from './data/preprocessing.js';

/**
 * A trained nlp model (a `train --out` folder or its `model/`) ready for raw text. Select a backend first.
 *
 * ```ts
 * await selectBackend();
 * const trained = loadNlpModel('runs/snips');
 * const [p] = await trained.predict([{ text: 'play some jazz on spotify' }]);
 * // p = { text, intent: 'PlayMusic', confidence: 0.99, entities: [{ type: 'genre', text: 'jazz', start: 10, end: 14, score: 0.98 }, ...] }
 * trained.dispose();
 * ```
 */
export function loadNlpModel(dir: string): LoadedModel<NlpState> {
  return loadModel(dir, nlpDomain);
}
