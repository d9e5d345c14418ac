import { Rng, StreamingDataset } from '@polytask/core';
import { type AugmentConfig, colourJitter, randomPlacement } from '../image/augment.js';
import { letterbox } from '../image/placement.js';
import { type AnnotatedImage, IMAGE_INPUT, toSample } from './sample.js';

/** Annotated images by index, read on demand (files through sharp, or drawn). */
export interface ImageSource {
  readonly size: number;
  /** Where image i comes from, for messages. */
  describe(index: number): string;
  load(index: number): Promise<AnnotatedImage>;
}

export interface VisionDatasetOptions {
  /** Network input side in pixels. */
  readonly imageSize: number;
  /** Augment (training): each read of an image draws a new placement and colour jitter. */
  readonly augment?: AugmentConfig;
  readonly seed?: number;
  readonly prefetch?: number;
}

/**
 * A streaming dataset over an image source: images are decoded, placed (letterboxed, or augmented) and turned into
 * samples as batches are read, `prefetch` batches ahead. Augmentation is seeded by (seed, image, how many times the
 * image has been read), so every epoch sees new, reproducible variants.
 */
export function visionDataset(source: ImageSource, options: VisionDatasetOptions): StreamingDataset {
  const { imageSize, augment } = options;
  const reads = new Map<number, number>();
  return new StreamingDataset({
    size: source.size,
    spec: { inputs: { [IMAGE_INPUT]: { shape: [imageSize, imageSize, 3], dtype: 'float32' } } },
    prefetch: options.prefetch ?? 2,
    async read(index) {
      const item = await source.load(index);
      const { width, height } = item.image;
      if (!augment) return toSample(item, letterbox(width, height, imageSize));
      const k = reads.get(index) ?? 0;
      reads.set(index, k + 1);
      const rng = Rng.derive(options.seed ?? 0, index, k);
      return toSample(item, randomPlacement(rng, width, height, imageSize, augment), (image) => colourJitter(image, rng, augment));
    },
  });
}
