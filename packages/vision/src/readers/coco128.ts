import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { DataError } from '@polytask/core';
import type { ClassMap } from '../data/class-map.js';
import type { AnnotatedImage } from '../data/sample.js';
import type { ImageSource } from '../data/vision-dataset.js';
import { decodeImage, decodeMask } from '../image/raw-image.js';
import { readClassNames } from './class-names.js';
import { parseYoloLabels, type YoloBoxes } from './yolo-labels.js';

/** File extensions read as images (what sharp decodes). */
export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);

/** The semantic mask class that means "no label" (ignored by losses and metrics). */
export const UNLABELED = 'unlabeled';

/** The class-id schemes of a COCO128-style folder: detection ids (YOLO) and semantic mask ids, each to a name. */
export interface Coco128Classes {
  readonly detection: Map<number, string>;
  /** Absent when the folder has no semantic_segmentation/config.yaml. */
  readonly semantic?: Map<number, string>;
}

export function readCoco128Classes(root: string): Coco128Classes {
  const file = join(root, 'object_detection', 'config.yaml');
  const detection = readClassNames(file, 'names');
  if (!detection) throw new DataError(file, undefined, undefined, 'no such file: a COCO128-style folder names its detection classes there');
  return { detection, semantic: readClassNames(join(root, 'semantic_segmentation', 'config.yaml'), 'classes') };
}

/** The splits of the folder: the sub-folders of images/. */
export function coco128Splits(root: string): string[] {
  const dir = join(root, 'images');
  if (!existsSync(dir))
    throw new DataError(dir, undefined, undefined, 'no such folder: a COCO128-style folder keeps its images in images/<split>/');
  return readdirSync(dir)
    .filter((d) => statSync(join(dir, d)).isDirectory())
    .sort();
}

/** The image files of a folder, sorted by name. */
export function listImages(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase()))
    .sort()
    .map((f) => join(dir, f));
}

const stem = (file: string) => basename(file, extname(file));

/**
 * One split of a COCO128-style folder as an image source. Label files are read and checked up front (small text);
 * images and masks are decoded when read. Quirks handled as SOURCE.md describes them: an image without a label file
 * has no detection labels (mask 0, not "no objects"), label files without an image are ignored (a warning), an
 * image without a mask has no segmentation labels. Detection ids and semantic ids are two schemes, both mapped to
 * the trained classes by name; the semantic class `unlabeled` is ignored.
 */
export function coco128Source(
  root: string,
  split: string,
  classes: Coco128Classes,
  maps: { detection: ClassMap; segmentation: ClassMap },
  maxImages?: number,
): { source: ImageSource; warnings: string[] } {
  const imageDir = join(root, 'images', split);
  if (!existsSync(imageDir)) throw new DataError(imageDir, undefined, undefined, `no such folder: split "${split}" has no images`);
  const images = listImages(imageDir).slice(0, maxImages);
  const labelDir = join(root, 'object_detection', 'labels', split);
  const maskDir = join(root, 'semantic_segmentation', 'masks', split);
  const warnings: string[] = [];
  const labels = new Map<string, YoloBoxes>();
  const stems = new Set(images.map(stem));
  const labelFiles = existsSync(labelDir) ? readdirSync(labelDir).filter((f) => f.endsWith('.txt')) : [];
  const orphans = labelFiles.filter((f) => !stems.has(stem(f)));
  if (orphans.length > 0 && maxImages === undefined) {
    warnings.push(
      `split "${split}": ${orphans.length} label files have no image and are ignored (${orphans.slice(0, 3).join(', ')}) in ${labelDir}`,
    );
  }
  for (const f of labelFiles) {
    if (!stems.has(stem(f))) continue;
    const file = join(labelDir, f);
    labels.set(
      stem(f),
      parseYoloLabels(readFileSync(file, 'utf8'), file, (id) => classes.detection.has(id)),
    );
  }
  const unlabelled = images.filter((f) => !labels.has(stem(f)));
  if (unlabelled.length > 0) {
    warnings.push(
      `split "${split}": ${unlabelled.length} images have no detection label file and train segmentation only (${unlabelled
        .slice(0, 3)
        .map((f) => basename(f))
        .join(', ')})`,
    );
  }
  const detectionTarget = new Map([...classes.detection].map(([id, name]) => [id, maps.detection.targetOf(name)]));
  const pixelTarget = semanticLookup(classes.semantic, maps.segmentation);
  const masks = new Map(images.map((f) => [f, join(maskDir, `${stem(f)}.png`)] as const).filter(([, m]) => pixelTarget && existsSync(m)));
  if (pixelTarget && masks.size < images.length) {
    warnings.push(`split "${split}": ${images.length - masks.size} of ${images.length} images have no mask and train detection only`);
  }
  const source: ImageSource = {
    size: images.length,
    describe: (i) => images[i]!,
    async load(i): Promise<AnnotatedImage> {
      const file = images[i]!;
      const image = await decodeImage(file);
      const yolo = labels.get(stem(file));
      const maskFile = masks.get(file);
      return {
        image,
        detection: yolo ? toPixelBoxes(yolo, image.width, image.height, detectionTarget) : undefined,
        segmentation: maskFile ? await readMask(maskFile, image.width, image.height, pixelTarget!, classes.semantic!) : undefined,
      };
    },
  };
  return { source, warnings };
}

/** YOLO boxes (normalised centre/size) → pixel x1 y1 x2 y2 of the trained classes (others dropped). */
function toPixelBoxes(
  yolo: YoloBoxes,
  width: number,
  height: number,
  target: Map<number, number | undefined>,
): AnnotatedImage['detection'] {
  const boxes: number[] = [];
  const classes: number[] = [];
  for (let k = 0; k < yolo.classes.length; k++) {
    const t = target.get(yolo.classes[k]!);
    if (t === undefined) continue;
    const [cx, cy, w, h] = yolo.boxes.subarray(k * 4, k * 4 + 4);
    boxes.push((cx! - w! / 2) * width, (cy! - h! / 2) * height, (cx! + w! / 2) * width, (cy! + h! / 2) * height);
    classes.push(t);
  }
  return { boxes: Float32Array.from(boxes), classes: Int32Array.from(classes) };
}

/** Semantic id → segmentation class (0 background, k + 1 the k-th trained class, −1 unlabeled); −2 = not a known id. */
function semanticLookup(semantic: Map<number, string> | undefined, map: ClassMap): Int32Array | undefined {
  if (!semantic) return undefined;
  const table = new Int32Array(256).fill(-2);
  for (const [id, name] of semantic) {
    if (id > 255) continue;
    const t = map.targetOf(name);
    table[id] = name === UNLABELED ? -1 : t === undefined ? 0 : t;
  }
  return table;
}

async function readMask(
  file: string,
  width: number,
  height: number,
  table: Int32Array,
  semantic: Map<number, string>,
): Promise<Int32Array> {
  const mask = await decodeMask(file);
  if (mask.width !== width || mask.height !== height) {
    throw new DataError(file, undefined, undefined, `the mask is ${mask.width}×${mask.height}, its image ${width}×${height}`);
  }
  const out = new Int32Array(mask.data.length);
  for (let i = 0; i < out.length; i++) {
    const v = table[mask.data[i]!]!;
    if (v === -2) {
      throw new DataError(
        file,
        undefined,
        'pixel',
        `class id ${mask.data[i]} at (${i % width}, ${Math.floor(i / width)}) is not in the semantic classes (${semantic.size} known)`,
      );
    }
    out[i] = v;
  }
  return out;
}
