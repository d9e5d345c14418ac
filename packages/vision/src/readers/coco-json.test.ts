import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveClassMap } from '../data/class-map.js';
import { segmentationMapOf } from '../data/load.js';
import { writePng } from '../image/raw-image.js';
import { cocoJsonSource, readInstances } from './coco-json.js';

const root = mkdtempSync(join(tmpdir(), 'vision-coco-json-'));

const instances = {
  images: [
    { id: 7, file_name: 'a.png', width: 40, height: 20 },
    { id: 9, file_name: 'b.png', width: 40, height: 20 },
  ],
  annotations: [
    { image_id: 7, category_id: 18, bbox: [2, 3, 10, 5], iscrowd: 0, segmentation: [[2, 3, 12, 3, 12, 8, 2, 8]] },
    { image_id: 7, category_id: 1, bbox: [20, 0, 10, 10], iscrowd: 1, segmentation: { counts: [0, 1], size: [20, 40] } },
    { image_id: 7, category_id: 3, bbox: [30, 10, 5, 5], iscrowd: 0, segmentation: [[30, 10, 35, 10, 35, 15]] },
  ],
  categories: [
    { id: 1, name: 'person' },
    { id: 3, name: 'car' },
    { id: 18, name: 'dog' },
  ],
};

beforeAll(async () => {
  mkdirSync(join(root, 'images'));
  mkdirSync(join(root, 'annotations'));
  for (const f of ['a.png', 'b.png'])
    await writePng(join(root, 'images', f), { data: new Uint8Array(40 * 20 * 3).fill(90), width: 40, height: 20 });
  writeFileSync(join(root, 'annotations', 'instances_val.json'), JSON.stringify(instances));
});

describe('COCO JSON instances reader', () => {
  it('reads boxes (x y w h → x1 y1 x2 y2), crowd flags and polygon masks of the trained classes', async () => {
    const detection = resolveClassMap(['person', 'dog'], [], ['person', 'car', 'dog']);
    const source = cocoJsonSource(
      root,
      { images: 'images', instances: 'annotations/instances_val.json' },
      { detection, segmentation: segmentationMapOf(detection) },
    );
    expect(source.size).toBe(2);
    const a = await source.load(0);
    expect(Array.from(a.detection!.boxes)).toEqual([2, 3, 12, 8, 20, 0, 30, 10]);
    expect(Array.from(a.detection!.classes)).toEqual([1, 0]);
    expect(Array.from(a.detection!.crowd!)).toEqual([0, 1]);
    const mask = a.segmentation!;
    expect(mask[5 * 40 + 5]).toBe(2); // inside the dog polygon: class dog (1) + 1
    expect(mask[5 * 40 + 25]).toBe(-1); // the crowd region (RLE): ignored
    expect(mask[12 * 40 + 33]).toBe(0); // the car: not trained → background
    const b = await source.load(1);
    expect(b.detection!.classes.length).toBe(0); // an image without annotations: labelled, no objects
  });

  it('a bad field names the file and the field', () => {
    const bad = join(root, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...instances, annotations: [{ ...instances.annotations[0], bbox: [1, 2, 3] }] }));
    expect(() => readInstances(bad)).toThrow(/bad\.json, field "annotations\.0\.bbox"/);
    writeFileSync(bad, JSON.stringify({ ...instances, annotations: [{ ...instances.annotations[0], category_id: 99 }] }));
    expect(() => readInstances(bad)).toThrow(/bad\.json, field "annotations\.0\.category_id": unknown category id 99/);
  });
});
