import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveClassMap } from '../data/class-map.js';
import { resolveDataConfig } from '../data/config.js';
import { loadVisionData, segmentationMapOf } from '../data/load.js';
import { coco128Source, readCoco128Classes } from './coco128.js';

const COCO128 = resolve(import.meta.dirname, '../../../../../shared/datasets/coco128');

describe.skipIf(!existsSync(COCO128))('the COCO128 folder (its SOURCE.md quirks)', () => {
  const classes = existsSync(COCO128) ? readCoco128Classes(COCO128) : undefined;
  const names = () => {
    const detection = resolveClassMap(['person', 'dog'], [], [...classes!.detection.values()]);
    return { detection, segmentation: segmentationMapOf(detection) };
  };

  it('reads the three class-id schemes by name: detection 0–79, semantic panoptic ids with 0 = unlabeled', () => {
    expect(classes!.detection.size).toBe(80);
    expect(classes!.detection.get(0)).toBe('person');
    expect(classes!.detection.get(16)).toBe('dog');
    expect(classes!.semantic!.get(0)).toBe('unlabeled');
    expect(classes!.semantic!.get(18)).toBe('dog');
  });

  it('iterates the 128 images: 2 without a label file, 2 orphan label files ignored, 28 without a mask', async () => {
    const { source, warnings } = coco128Source(COCO128, 'train2017', classes!, names());
    expect(source.size).toBe(128);
    expect(warnings.join('\n')).toMatch(/2 label files have no image and are ignored \(000000000656\.txt, 000000000659\.txt\)/);
    expect(warnings.join('\n')).toMatch(
      /2 images have no detection label file and train segmentation only \(000000000250\.jpg, 000000000508\.jpg\)/,
    );
    expect(warnings.join('\n')).toMatch(/28 of 128 images have no mask and train detection only/);
    const files = Array.from({ length: 128 }, (_, i) => source.describe(i));
    const noLabels = await source.load(files.findIndex((f) => f.endsWith('000000000250.jpg')));
    expect(noLabels.detection).toBeUndefined();
    expect(noLabels.segmentation).toBeDefined();
  });

  it('maps boxes and mask pixels of the trained classes; other pixels are background, unlabeled ones −1', async () => {
    const { source } = coco128Source(COCO128, 'train2017', classes!, names());
    const files = Array.from({ length: 128 }, (_, i) => source.describe(i));
    const item = await source.load(files.findIndex((f) => f.endsWith('000000000009.jpg')));
    expect(item.image.data.length).toBe(item.image.width * item.image.height * 3);
    // 000000000009 (bowls, broccoli, oranges): no person, no dog → every box dropped, pixels background or unlabeled
    expect(item.detection!.classes.length).toBe(0);
    expect(new Set(item.segmentation)).toEqual(new Set([0, -1]));
    const gray = await source.load(files.findIndex((f) => f.endsWith('000000000086.jpg')));
    expect(gray.image.data.length).toBe(gray.image.width * gray.image.height * 3); // the grayscale JPEG → RGB
    const counts = { person: 0, pixels: 0 };
    for (let i = 0; i < 12; i++) {
      const im = await source.load(i);
      counts.person += im.detection?.classes.filter((c) => c === 0).length ?? 0;
      counts.pixels += im.segmentation?.filter((v) => v === 1).length ?? 0;
    }
    expect(counts.person).toBeGreaterThan(0);
    expect(counts.pixels).toBeGreaterThan(0);
  });

  it('streams batches where images without labels of one task still train the other (per-sample masks)', async () => {
    const config = resolveDataConfig({ format: 'coco128', root: COCO128, imageSize: 64, classes: ['person', 'dog'], augment: false });
    const data = loadVisionData(config, { root: COCO128 });
    expect(Object.keys(data.splits)).toEqual(['train2017']);
    let detectionMasked = 0;
    let segmentationMasked = 0;
    for await (const batch of data.splits.train2017!.batches({ batchSize: 32 })) {
      expect(batch.inputs.image!.shape).toEqual([batch.size, 64, 64, 3]);
      detectionMasked += batch.masks.detection ? batch.size - batch.masks.detection.sum().dataSync()[0]! : 0;
      segmentationMasked += batch.masks.segmentation ? batch.size - batch.masks.segmentation.sum().dataSync()[0]! : 0;
      for (const t of [...Object.values(batch.inputs), ...Object.values(batch.labels), ...Object.values(batch.masks)]) t.dispose();
      for (const t of Object.values(batch.positionMasks ?? {})) t.dispose();
    }
    expect(detectionMasked).toBe(2);
    expect(segmentationMasked).toBe(28);
  });
});
