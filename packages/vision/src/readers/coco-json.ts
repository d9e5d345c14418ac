import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataError } from '@polytask/core';
import { z } from 'zod';
import type { ClassMap } from '../data/class-map.js';
import type { AnnotatedImage } from '../data/sample.js';
import type { ImageSource } from '../data/vision-dataset.js';
import { decodeImage } from '../image/raw-image.js';
import { fillPolygon } from './polygon.js';

const Instances = z.object({
  images: z.array(
    z.object({ id: z.number().int(), file_name: z.string().min(1), width: z.number().optional(), height: z.number().optional() }),
  ),
  annotations: z.array(
    z.object({
      image_id: z.number().int(),
      category_id: z.number().int(),
      bbox: z.tuple([z.number(), z.number(), z.number().min(0), z.number().min(0)]),
      iscrowd: z.union([z.literal(0), z.literal(1)]).default(0),
      segmentation: z.unknown().optional(),
    }),
  ),
  categories: z.array(z.object({ id: z.number().int(), name: z.string().min(1) })),
});
type Instances = z.infer<typeof Instances>;

/** Reads and validates an `instances_*.json`; a bad field is a `DataError` naming it (`annotations.3.bbox`). */
export function readInstances(file: string): Instances {
  if (!existsSync(file)) throw new DataError(file, undefined, undefined, 'no such file');
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new DataError(file, undefined, undefined, `not valid JSON: ${(e as Error).message}`);
  }
  const parsed = Instances.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new DataError(file, undefined, issue.path.join('.'), issue.message);
  }
  const categories = new Set(parsed.data.categories.map((c) => c.id));
  const images = new Set(parsed.data.images.map((im) => im.id));
  parsed.data.annotations.forEach((a, i) => {
    if (!categories.has(a.category_id))
      throw new DataError(file, undefined, `annotations.${i}.category_id`, `unknown category id ${a.category_id}`);
    if (!images.has(a.image_id)) throw new DataError(file, undefined, `annotations.${i}.image_id`, `unknown image id ${a.image_id}`);
  });
  return parsed.data;
}

/** The category names of an instances file, by id. */
export function instanceCategories(file: string): Map<number, string> {
  return new Map(readInstances(file).categories.map((c) => [c.id, c.name]));
}

const isPolygons = (s: unknown): s is number[][] =>
  Array.isArray(s) && s.every((p) => Array.isArray(p) && p.every((v) => typeof v === 'number'));

/**
 * One split described by a COCO `instances_*.json` as an image source: boxes (`bbox` x y w h, `iscrowd`) of the
 * trained classes and, when the file carries polygon segmentations, a semantic mask rasterised from them (crowd
 * regions in RLE are ignored pixels, over their box). Images are decoded when read.
 */
export function cocoJsonSource(
  root: string,
  split: { images: string; instances: string },
  maps: { detection: ClassMap; segmentation: ClassMap },
  maxImages?: number,
): ImageSource {
  const file = join(root, split.instances);
  const data = readInstances(file);
  const names = new Map(data.categories.map((c) => [c.id, c.name]));
  const byImage = new Map<number, Instances['annotations']>();
  for (const a of data.annotations) byImage.set(a.image_id, [...(byImage.get(a.image_id) ?? []), a]);
  const withMasks = data.annotations.some((a) => isPolygons(a.segmentation));
  const images = data.images.slice(0, maxImages);
  return {
    size: images.length,
    describe: (i) => join(root, split.images, images[i]!.file_name),
    async load(i): Promise<AnnotatedImage> {
      const entry = images[i]!;
      const image = await decodeImage(join(root, split.images, entry.file_name));
      const boxes: number[] = [];
      const classes: number[] = [];
      const crowd: number[] = [];
      const mask = withMasks ? new Int32Array(image.width * image.height) : undefined;
      for (const a of byImage.get(entry.id) ?? []) {
        const name = names.get(a.category_id)!;
        const t = maps.detection.targetOf(name);
        const [x, y, w, h] = a.bbox;
        if (t !== undefined) {
          boxes.push(x, y, x + w, y + h);
          classes.push(t);
          crowd.push(a.iscrowd);
        }
        if (!mask) continue;
        const pixel = maps.segmentation.targetOf(name) ?? 0;
        if (isPolygons(a.segmentation)) for (const p of a.segmentation) fillPolygon(mask, image.width, image.height, p, pixel);
        else if (a.iscrowd) fillPolygon(mask, image.width, image.height, [x, y, x + w, y, x + w, y + h, x, y + h], -1);
      }
      return {
        image,
        detection: { boxes: Float32Array.from(boxes), classes: Int32Array.from(classes), crowd: Uint8Array.from(crowd) },
        segmentation: mask,
      };
    },
  };
}
