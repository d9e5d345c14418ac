import type { Rng } from '@polytask/core';
import { z } from 'zod';
import { letterbox, type Placement } from './placement.js';
import type { RawImage } from './raw-image.js';

/** Training-time augmentation (`data.augment`); evaluation and predict only letterbox. */
export const AugmentConfig = z.strictObject({
  /** Probability of a horizontal flip. */
  flip: z.number().min(0).max(1).default(0.5),
  /** Scale jitter: the letterbox scale times a factor drawn uniformly from [min, max]. */
  scale: z.tuple([z.number().positive(), z.number().positive()]).default([0.75, 1.25]),
  /** Random crop / shift: place the scaled image anywhere it still covers (or fits in) the output. */
  translate: z.boolean().default(true),
  /** Colour jitter strengths: factors drawn from [1 − s, 1 + s]. */
  brightness: z.number().min(0).max(1).default(0.2),
  contrast: z.number().min(0).max(1).default(0.2),
  saturation: z.number().min(0).max(1).default(0.2),
});
export type AugmentConfig = z.infer<typeof AugmentConfig>;

const between = (rng: Rng, lo: number, hi: number) => lo + (hi - lo) * rng.next();

/** A random placement: jittered letterbox scale, random offset (a crop when larger than the output), random flip. */
export function randomPlacement(rng: Rng, sourceWidth: number, sourceHeight: number, size: number, aug: AugmentConfig): Placement {
  const base = letterbox(sourceWidth, sourceHeight, size);
  const scale = base.scale * between(rng, aug.scale[0], aug.scale[1]);
  const spanX = size - sourceWidth * scale;
  const spanY = size - sourceHeight * scale;
  const offset = (span: number) => (aug.translate ? between(rng, Math.min(0, span), Math.max(0, span)) : span / 2);
  return { ...base, scale, offsetX: offset(spanX), offsetY: offset(spanY), flip: rng.next() < aug.flip };
}

/** Brightness, contrast and saturation jitter (photometric only: boxes and masks are unaffected). */
export function colourJitter(image: RawImage, rng: Rng, aug: AugmentConfig): RawImage {
  const b = between(rng, 1 - aug.brightness, 1 + aug.brightness);
  const c = between(rng, 1 - aug.contrast, 1 + aug.contrast);
  const s = between(rng, 1 - aug.saturation, 1 + aug.saturation);
  const src = image.data;
  const n = image.width * image.height;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += 0.299 * src[i * 3]! + 0.587 * src[i * 3 + 1]! + 0.114 * src[i * 3 + 2]!;
  mean = (mean / Math.max(n, 1)) * b;
  const out = new Uint8ClampedArray(src.length); // clamps to [0, 255] and rounds
  // v ↦ mean + (gray + (v − gray)·s − mean)·c, per channel, with v and gray already scaled by b
  for (let i = 0; i < n; i++) {
    const r = src[i * 3]! * b;
    const g = src[i * 3 + 1]! * b;
    const bl = src[i * 3 + 2]! * b;
    const gray = 0.299 * r + 0.587 * g + 0.114 * bl;
    const base = mean + (gray * (1 - s) - mean) * c;
    out[i * 3] = base + r * s * c;
    out[i * 3 + 1] = base + g * s * c;
    out[i * 3 + 2] = base + bl * s * c;
  }
  return { data: new Uint8Array(out.buffer), width: image.width, height: image.height };
}
