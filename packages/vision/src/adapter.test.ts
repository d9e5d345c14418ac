import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseVisionPreprocessing, type VisionPreprocessing, visionDomain } from './adapter.js';
import { decodeMask, writePng } from './image/raw-image.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const prep: VisionPreprocessing = {
  format: 'polytask-vision',
  version: 1,
  imageSize: 32,
  detectionClasses: ['circle', 'square'],
  segmentationClasses: ['background', 'circle', 'square'],
  predictScoreThreshold: 0.3,
};

describe('visionDomain predict side', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vision-adapter-'));
  const wide = join(dir, 'wide.png');

  beforeAll(async () => {
    // a 64×32 image: letterboxed into 32×32 at scale ½, offset 8 rows
    await writePng(wide, { data: new Uint8Array(64 * 32 * 3).fill(200), width: 64, height: 32 });
  });

  it('parses saved preprocessing; a foreign one names the file and field', () => {
    expect(parseVisionPreprocessing(JSON.parse(JSON.stringify(prep)))).toEqual(prep);
    expect(() => parseVisionPreprocessing({ format: 'x' }, 'm/model.json')).toThrow(/^m\/model\.json: field "preprocessing\.format"/);
  });

  it('reads lines as image paths or JSON objects, and lists a folder', () => {
    expect(visionDomain.parsePredictLine!(' a/b.jpg ')).toEqual({ image: 'a/b.jpg' });
    expect(visionDomain.parsePredictLine!('{"image": "c.png", "id": 3}')).toEqual({ image: 'c.png', id: 3 });
    expect(visionDomain.predictInputLines!(dir)).toEqual([wide]);
    expect(visionDomain.predictInputLines!(wide)).toEqual([wide]);
  });

  it('maps boxes and the mask back through the letterbox into the image, writing mask and overlay PNGs', async () => {
    const classIds = new Uint8Array(32 * 32);
    // the network's rows 8..23 are the image; mark the input's left half (image x 0..31) as circle
    for (let y = 8; y < 24; y++) for (let x = 0; x < 16; x++) classIds[y * 32 + x] = 1;
    const prediction = {
      detection: [
        { box: [0.25, 0.25, 0.5, 0.75], classId: 1, score: 0.9 },
        { box: [0, 0, 0.1, 0.1], classId: 0, score: 0.1 }, // below predictScoreThreshold
      ],
      segmentation: { width: 32, height: 32, classIds },
    };
    const out = await visionDomain.formatPrediction!(prediction, { image: wide }, prep, { outDir: dir, source: 'in:1' });
    // network x 8 → image 16; network y 8 → image 0; y 24 → 32
    expect(out.detection).toEqual([{ class: 'square', score: 0.9, box: [16, 0, 32, 32] }]);
    expect((out.segmentation as { pixels: Record<string, number> }).pixels).toEqual({ background: (64 * 32) / 2, circle: (64 * 32) / 2 });
    const maskFile = (out.segmentation as { mask: string }).mask;
    const meta = await sharp(maskFile).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([64, 32, 1]);
    const mask = await decodeMask(maskFile);
    expect([mask.data[0], mask.data[63]]).toEqual([1, 0]);
    const overlay = await sharp(out.overlay as string).metadata();
    expect([overlay.width, overlay.height]).toEqual([64, 32]);
    expect(
      readFileSync(out.overlay as string)
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
  });
});
