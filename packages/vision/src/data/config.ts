import { describeIssues, UsageError } from '@polytask/core';
import { z } from 'zod';
import { AugmentConfig } from '../image/augment.js';
import { ClassesConfig } from './class-map.js';

export const ShapesConfig = z.strictObject({
  /** Seed of the drawn images (independent of the run seed: `--seed` never changes the test images). */
  seed: z.number().int().default(1),
  /** Images per split. */
  splits: z.record(z.string(), z.number().int().positive()).default({ train: 2000, test: 200 }),
  minObjects: z.number().int().min(0).default(1),
  maxObjects: z.number().int().min(1).default(4),
});

export const CocoJsonSplit = z.strictObject({
  /** Folder of the split's images (relative to `root`). */
  images: z.string().min(1),
  /** The split's `instances_*.json` (relative to `root`). */
  instances: z.string().min(1),
});

/** The `data` section of a vision run config. */
export const VisionDataConfig = z
  .strictObject({
    /**
     * `shapes`: synthetic circles, squares and triangles drawn on the fly; `coco128`: the COCO128 / YOLO folder
     * layout (images/<split>, object_detection/labels/<split>, semantic_segmentation/masks/<split>) for any split;
     * `coco-json`: COCO `instances_*.json` files.
     */
    format: z.enum(['shapes', 'coco128', 'coco-json']),
    /** Dataset folder, relative to the config file; replaced by `--data`. */
    root: z.string().min(1).optional(),
    /** Side of the square network input; images are letterboxed into it. */
    imageSize: z.number().int().positive().default(128),
    classes: ClassesConfig.optional(),
    /** Training augmentation, or `false` for none. */
    augment: z.union([z.literal(false), AugmentConfig]).default(() => AugmentConfig.parse({})),
    trainSplit: z.string().optional(),
    validSplit: z.string().optional(),
    testSplit: z.string().optional(),
    shapes: ShapesConfig.default(() => ShapesConfig.parse({})),
    /** coco-json: the splits and their files. */
    splits: z.record(z.string(), CocoJsonSplit).optional(),
    /** Use at most this many images of each split (quick runs). */
    maxImages: z.number().int().positive().optional(),
    /** Batches decoded ahead of training. */
    prefetch: z.number().int().positive().default(2),
    /** Detections `predict` writes and draws: at least this score. */
    predictScoreThreshold: z.number().min(0).max(1).default(0.3),
  })
  .superRefine((d, ctx) => {
    if (d.format !== 'shapes' && d.root === undefined)
      ctx.addIssue({ code: 'custom', message: `format "${d.format}" needs a root folder`, path: ['root'] });
    if (d.format === 'coco-json' && d.splits === undefined)
      ctx.addIssue({ code: 'custom', message: 'format "coco-json" needs "splits" ({ name: { images, instances } })', path: ['splits'] });
    if (d.shapes.minObjects > d.shapes.maxObjects)
      ctx.addIssue({ code: 'custom', message: 'minObjects is larger than maxObjects', path: ['shapes', 'minObjects'] });
    if (d.imageSize % 16 !== 0) ctx.addIssue({ code: 'custom', message: 'the image size must be a multiple of 16', path: ['imageSize'] });
  });
export type VisionDataConfig = z.infer<typeof VisionDataConfig>;
export type VisionDataConfigInput = z.input<typeof VisionDataConfig>;

/** Validates a config's `data` section; errors name the config file and the field. */
export function resolveDataConfig(data: Record<string, unknown>, file = 'config'): VisionDataConfig {
  const parsed = VisionDataConfig.safeParse(data);
  if (!parsed.success) {
    const issues = new z.ZodError(parsed.error.issues.map((i) => ({ ...i, path: ['data', ...i.path] })));
    throw new UsageError(`invalid config: ${describeIssues(file, issues)}`);
  }
  return parsed.data;
}
