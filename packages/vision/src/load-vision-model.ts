import { type LoadedModel, loadModel } from '@polytask/core';
import { type VisionPreprocessing, visionDomain } from './adapter.js';

/**
 * A trained vision model (a `train --out` folder or its `model/`) ready to predict image files: records
 * `{ image: path }`, each answered with boxes (class, score, pixels) and the mask's pixel counts; pass `outDir` to
 * get the mask and overlay PNGs too. Select a backend first.
 *
 * ```ts
 * await selectBackend();
 * const trained = loadVisionModel('runs/shapes');
 * const [p] = await trained.predict([{ image: 'street.jpg' }], { outDir: 'out' });
 * // p = { image, width, height, detection: [{ class: 'circle', score: 0.93, box: [x1, y1, x2, y2] }], segmentation: { pixels, mask }, overlay }
 * trained.dispose();
 * ```
 */
export function loadVisionModel(dir: string): LoadedModel<VisionPreprocessing> {
  return loadModel(dir, visionDomain);
}
