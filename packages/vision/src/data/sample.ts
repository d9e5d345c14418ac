import type { Sample } from '@polytask/core';
import { type Placement, placeBoxes, placeImage, placeLabels } from '../image/placement.js';
import type { RawImage } from '../image/raw-image.js';

/** The model input: [size, size, 3] float pixels in [−1, 1]. */
export const IMAGE_INPUT = 'image';
/** Label keys of the two tasks' targets in a batch. */
export const DETECTION_LABEL = 'detection';
export const SEGMENTATION_LABEL = 'segmentation';

/** An image with whatever annotations it has, in source pixels, as a reader produces it. */
export interface AnnotatedImage {
  readonly image: RawImage;
  /** Absent: the image has no detection labels (not "no objects": that is zero boxes). */
  readonly detection?: {
    /** [n, 4] x1 y1 x2 y2 in source pixels. */
    readonly boxes: Float32Array;
    /** [n] detection class ids. */
    readonly classes: Int32Array;
    /** [n] 1 = a crowd region (COCO `iscrowd`): never a target, and detections on it are not counted. */
    readonly crowd?: Uint8Array;
  };
  /** Absent: no mask. Per source pixel, a segmentation class id, or −1 (unlabeled: ignored). */
  readonly segmentation?: Int32Array;
}

/** RGB bytes → the network's input values. */
export function normalisePixels(image: RawImage): Float32Array {
  const out = new Float32Array(image.data.length);
  for (let i = 0; i < out.length; i++) out[i] = image.data[i]! / 127.5 - 1;
  return out;
}

/**
 * One training/evaluation sample: the image, its boxes (ragged, normalised to the input) and its mask (dense, −1
 * where unlabeled or padding), all through the same placement; `recolour` is the photometric augmentation.
 */
export function toSample(item: AnnotatedImage, placement: Placement, recolour?: (image: RawImage) => RawImage): Sample {
  const placed = placeImage(item.image, placement);
  const image = recolour ? recolour(placed) : placed;
  const size = [placement.height, placement.width];
  const sample: {
    inputs: Sample['inputs'];
    labels?: NonNullable<Sample['labels']>;
    ragged?: NonNullable<Sample['ragged']>;
  } = { inputs: { [IMAGE_INPUT]: { data: normalisePixels(image), shape: [...size, 3] } } };
  if (item.detection) {
    const { boxes, kept } = placeBoxes(item.detection.boxes, placement);
    const crowd = item.detection.crowd;
    sample.ragged = {
      [DETECTION_LABEL]: {
        boxes: { data: boxes, shape: [kept.length, 4] },
        classes: { data: Int32Array.from(kept, (k) => item.detection!.classes[k]!), shape: [kept.length] },
        crowd: { data: Int32Array.from(kept, (k) => crowd?.[k] ?? 0), shape: [kept.length] },
      },
    };
  }
  if (item.segmentation) {
    const labels = placeLabels(item.segmentation, item.image.width, item.image.height, placement);
    sample.labels = { [SEGMENTATION_LABEL]: { data: labels, shape: size } };
  }
  return sample;
}
