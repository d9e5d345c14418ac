import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClassMap } from '../data/class-map.js';
import { drawShapes, SHAPE_CLASSES, type ShapesOptions } from '../data/shapes.js';
import type { ImageSource } from '../data/vision-dataset.js';
import { writePng } from '../image/raw-image.js';

/** Shapes images of one split, drawn when read (`first` offsets the image indices so splits never share images). */
export function shapesSource(
  seed: number,
  first: number,
  count: number,
  options: ShapesOptions,
  maps: { detection: ClassMap; segmentation: ClassMap },
): ImageSource {
  const detection = SHAPE_CLASSES.map((n) => maps.detection.targetOf(n));
  const pixel = [0, ...SHAPE_CLASSES.map((n) => maps.segmentation.targetOf(n) ?? 0)];
  return {
    size: count,
    describe: (i) => `shapes image ${first + i} (seed ${seed})`,
    async load(i) {
      const drawn = drawShapes(seed, first + i, options);
      const boxes: number[] = [];
      const classes: number[] = [];
      drawn.classes.forEach((c, k) => {
        const t = detection[c];
        if (t === undefined) return;
        boxes.push(...drawn.boxes.subarray(k * 4, k * 4 + 4));
        classes.push(t);
      });
      return {
        image: drawn.image,
        detection: { boxes: Float32Array.from(boxes), classes: Int32Array.from(classes) },
        segmentation: Int32Array.from(drawn.mask, (v) => pixel[v]!),
      };
    },
  };
}

/**
 * Writes shapes images in the COCO128 folder layout (PNG images, YOLO label files, semantic mask PNGs and both class
 * configs), for the `coco128` reader and `predict` on real files: `splits` gives the images per split.
 */
export async function writeShapesDataset(
  root: string,
  options: ShapesOptions & { seed?: number; splits: Record<string, number> },
): Promise<void> {
  const seed = options.seed ?? 1;
  mkdirSync(join(root, 'object_detection'), { recursive: true });
  mkdirSync(join(root, 'semantic_segmentation'), { recursive: true });
  writeFileSync(join(root, 'object_detection', 'config.yaml'), `names:\n${SHAPE_CLASSES.map((n, i) => `  ${i}: ${n}`).join('\n')}\n`);
  writeFileSync(
    join(root, 'semantic_segmentation', 'config.yaml'),
    `classes:\n  0: background\n${SHAPE_CLASSES.map((n, i) => `  ${i + 1}: ${n}`).join('\n')}\n`,
  );
  let first = 0;
  for (const [split, count] of Object.entries(options.splits)) {
    const dirs = ['images', 'object_detection/labels', 'semantic_segmentation/masks'].map((d) => join(root, d, split));
    for (const d of dirs) mkdirSync(d, { recursive: true });
    for (let i = 0; i < count; i++) {
      const drawn = drawShapes(seed, first + i, options);
      const name = `${String(first + i).padStart(6, '0')}`;
      const { width: w, height: h } = drawn.image;
      await writePng(join(dirs[0]!, `${name}.png`), drawn.image);
      const lines = Array.from(drawn.classes, (c, k) => {
        const [x1, y1, x2, y2] = drawn.boxes.subarray(k * 4, k * 4 + 4);
        return `${c} ${((x1! + x2!) / 2 / w).toFixed(6)} ${((y1! + y2!) / 2 / h).toFixed(6)} ${((x2! - x1!) / w).toFixed(6)} ${((y2! - y1!) / h).toFixed(6)}`;
      });
      writeFileSync(join(dirs[1]!, `${name}.txt`), lines.length > 0 ? `${lines.join('\n')}\n` : '');
      await writePng(join(dirs[2]!, `${name}.png`), { data: drawn.mask, width: w, height: h }, 1);
    }
    first += count;
  }
}
