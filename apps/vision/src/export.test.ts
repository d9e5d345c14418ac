import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXPORT_MANIFEST, type ExportManifest, folderLoadHandler, loadModel } from '@polytask/core';
import { visionDomain } from '@polytask/vision';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../test/run-cli.js';
import { shapesFolder, smallConfig, writeConfig } from '../test/shapes-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'vision-export-'));
let data: string;
const run = join(work, 'run');

beforeAll(async () => {
  data = await shapesFolder(8, 4);
  const config = smallConfig(data);
  config.train.epochs = 1;
  // two residual blocks in the first stage, one in the others: every layer kind of the backbone is exported
  config.model.trunk.options.depth = [2, 1, 1];
  expect((await cli('train', '--config', writeConfig(join(work, 'c.yaml'), config), '--out', run)).code).toBe(0);
});

describe('export to tfjs-layers', () => {
  it('writes a stock-layer model whose outputs equal the trained model’s predictions', async () => {
    const out = join(work, 'exported');
    const exported = await cli('export', '--model', run, '--format', 'tfjs-layers', '--out', out);
    expect(exported.stderr).not.toMatch(/error/);
    expect(exported.code).toBe(0);
    for (const f of ['model.json', 'weights.bin', EXPORT_MANIFEST]) expect(existsSync(join(out, f))).toBe(true);
    const manifest = JSON.parse(readFileSync(join(out, EXPORT_MANIFEST), 'utf8')) as ExportManifest;
    expect(manifest.customLayers).toEqual([]);
    expect(manifest.inputs.map((i) => [i.name, i.shape])).toEqual([['image', [64, 64, 3]]]);
    expect(manifest.outputs.map((o) => [o.task, o.shape])).toEqual([
      ['detection', [16, 16, 7]],
      ['segmentation', [64, 64, 4]],
    ]);
    expect((manifest.preprocessing as { detectionClasses: string[] }).detectionClasses).toEqual(['circle', 'square', 'triangle']);

    const layers = await tf.loadLayersModel(folderLoadHandler(out));
    const trained = loadModel(run, visionDomain);
    const records = ['000008.png', '000009.png'].map((f) => ({ image: join(data, 'images', 'val2017', f) }));
    const { inputs } = await visionDomain.encodeRecords(records, trained.config, trained.preprocessing, (i) => `record ${i}`);
    const ours = trained.model.predict(inputs);
    const theirs = layers.predict(inputs.image!) as tf.Tensor[];
    for (const [i, task] of ['detection', 'segmentation'].entries()) {
      const a = ours[task]!.dataSync();
      const b = theirs[i]!.dataSync();
      expect(b.length).toBe(a.length);
      let worst = 0;
      for (let k = 0; k < a.length; k++) worst = Math.max(worst, Math.abs(a[k]! - b[k]!));
      expect(worst).toBeLessThan(1e-4);
    }
    tf.dispose([...Object.values(inputs), ...Object.values(ours), ...theirs]);
    layers.dispose();
    trained.dispose();
  });
});
