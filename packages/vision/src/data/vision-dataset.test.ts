import { type Batch, disposeBatch, raggedCount } from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AugmentConfig } from '../image/augment.js';
import { shapesSource } from '../readers/shapes-source.js';
import { resolveClassMap } from './class-map.js';
import { segmentationMapOf } from './load.js';
import { SHAPE_CLASSES } from './shapes.js';
import { visionDataset } from './vision-dataset.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const detection = resolveClassMap(undefined, SHAPE_CLASSES, SHAPE_CLASSES);
const source = shapesSource(2, 0, 6, { size: 48 }, { detection, segmentation: segmentationMapOf(detection) });

async function collect(batches: AsyncIterable<Batch> | Iterable<Batch>): Promise<{ image: number[]; boxes: number; labels: number[] }[]> {
  const out = [];
  for await (const b of batches) {
    out.push({
      image: Array.from(b.inputs.image!.dataSync().subarray(0, 200)),
      boxes: raggedCount(b.ragged!.detection!.boxes!, 0),
      labels: Array.from(b.labels.segmentation!.dataSync()),
    });
    expect(b.inputs.image!.shape).toEqual([3, 32, 32, 3]);
    expect(b.labels.segmentation!.shape).toEqual([3, 32, 32]);
    expect(Object.keys(b.ragged!.detection!).sort()).toEqual(['boxes', 'classes', 'crowd']);
    disposeBatch(b);
  }
  return out;
}

describe('the streaming vision dataset', () => {
  it('decodes on the fly into image batches with ragged boxes and pixel labels, holding no tensor afterwards', async () => {
    const before = tf.memory().numTensors;
    const plain = visionDataset(source, { imageSize: 32 });
    const a = await collect(plain.batches({ batchSize: 3 }));
    const b = await collect(plain.batches({ batchSize: 3 }));
    expect(a).toEqual(b); // no augmentation: every read alike
    expect(tf.memory().numTensors).toBe(before);
  });

  it('augments every read anew, reproducibly from the seed', async () => {
    const augment = AugmentConfig.parse({ scale: [0.5, 0.9] });
    const first = visionDataset(source, { imageSize: 32, augment, seed: 4 });
    const again = visionDataset(source, { imageSize: 32, augment, seed: 4 });
    const epoch0 = await collect(first.batches({ batchSize: 3 }));
    const epoch1 = await collect(first.batches({ batchSize: 3 }));
    expect(epoch1).not.toEqual(epoch0);
    expect(await collect(again.batches({ batchSize: 3 }))).toEqual(epoch0);
    // scaled below the input size: the padding is ignored (−1) in the pixel labels
    expect(epoch0[0]!.labels).toContain(-1);
  });
});
