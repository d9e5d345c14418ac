import { Rng } from '@polytask/core';
import type { RawImage } from '../image/raw-image.js';

/** The classes of the synthetic shapes, in id order (segmentation adds `background` before them). */
export const SHAPE_CLASSES = ['circle', 'square', 'triangle'] as const;

export interface ShapesOptions {
  /** Image side in pixels (default 128). */
  readonly size?: number;
  readonly minObjects?: number;
  readonly maxObjects?: number;
  /** Object extent in pixels (a circle's diameter, a square's side, a triangle's base), drawn uniformly. */
  readonly minExtent?: number;
  readonly maxExtent?: number;
}

/** One drawn image with its exact annotations. */
export interface ShapesImage {
  readonly image: RawImage;
  /** [n, 4] x1 y1 x2 y2 in pixels: the extent of each object's pixels (x2, y2 exclusive). */
  readonly boxes: Float32Array;
  /** [n] ids into SHAPE_CLASSES. */
  readonly classes: Int32Array;
  /** Per pixel: 0 = background, k + 1 = SHAPE_CLASSES[k]. */
  readonly mask: Uint8Array;
}

type Inside = (x: number, y: number) => boolean;

/** The point test of a shape of `kind` with bounding square (x, y, e). */
function shapeTest(kind: number, x: number, y: number, e: number, rng: Rng): Inside {
  if (kind === 0) {
    const r = e / 2;
    return (px, py) => (px - x - r) ** 2 + (py - y - r) ** 2 <= r * r;
  }
  if (kind === 1) return (px, py) => px >= x && px < x + e && py >= y && py < y + e;
  // an isosceles triangle, apex up or down
  const up = rng.next() < 0.5;
  return (px, py) => {
    const t = (py - y) / e; // 0 at the top edge, 1 at the bottom
    if (t < 0 || t > 1) return false;
    const half = ((up ? t : 1 - t) * e) / 2;
    return Math.abs(px - x - e / 2) <= half;
  };
}

/** A textured background: a two-colour gradient, sine stripes at a random angle and pixel noise. */
function background(rng: Rng, size: number): Uint8Array {
  const a = [rng.int(256), rng.int(256), rng.int(256)];
  const b = [rng.int(256), rng.int(256), rng.int(256)];
  const angle = rng.next() * Math.PI;
  const freq = 0.05 + rng.next() * 0.25;
  const stripe = 10 + rng.next() * 30;
  const gx = rng.next() - 0.5;
  const gy = rng.next() - 0.5;
  const out = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const t = Math.min(1, Math.max(0, 0.5 + (gx * x + gy * y) / size));
      const s = stripe * Math.sin((x * Math.cos(angle) + y * Math.sin(angle)) * freq);
      for (let c = 0; c < 3; c++) {
        const v = a[c]! * (1 - t) + b[c]! * t + s + (rng.next() - 0.5) * 30;
        out[(y * size + x) * 3 + c] = Math.max(0, Math.min(255, Math.round(v)));
      }
    }
  }
  return out;
}

/**
 * Image `index` of the shapes set `seed` (the same pair always draws the same image): circles, squares and
 * triangles of random colours, several per image, never overlapping, on a textured background. Boxes and the mask
 * are exact: both come from the very pixels painted.
 */
export function drawShapes(seed: number, index: number, options: ShapesOptions = {}): ShapesImage {
  const size = options.size ?? 128;
  const minObjects = options.minObjects ?? 1;
  const maxObjects = options.maxObjects ?? 4;
  const minExtent = options.minExtent ?? Math.round(size / 8);
  const maxExtent = options.maxExtent ?? Math.round(size / 2.5);
  const rng = Rng.derive(seed, index);
  const data = background(rng, size);
  const mask = new Uint8Array(size * size);
  const placed: [number, number, number][] = [];
  const boxes: number[] = [];
  const classes: number[] = [];
  const wanted = minObjects + rng.int(maxObjects - minObjects + 1);
  for (let attempt = 0; placed.length < wanted && attempt < 200; attempt++) {
    const e = minExtent + rng.next() * (maxExtent - minExtent);
    const x = rng.next() * (size - e);
    const y = rng.next() * (size - e);
    // 4 px apart, so each object's pixels (and its box) are its own, even scaled down
    if (placed.some(([px, py, pe]) => x < px + pe + 4 && px < x + e + 4 && y < py + pe + 4 && py < y + e + 4)) continue;
    const kind = rng.int(SHAPE_CLASSES.length);
    const inside = shapeTest(kind, x, y, e, rng);
    const colour = [rng.int(256), rng.int(256), rng.int(256)];
    let x1 = size;
    let y1 = size;
    let x2 = -1;
    let y2 = -1;
    for (let py = Math.floor(y); py < Math.min(size, Math.ceil(y + e)); py++) {
      for (let px = Math.floor(x); px < Math.min(size, Math.ceil(x + e)); px++) {
        if (!inside(px + 0.5, py + 0.5)) continue;
        mask[py * size + px] = kind + 1;
        for (let c = 0; c < 3; c++) {
          data[(py * size + px) * 3 + c] = Math.max(0, Math.min(255, colour[c]! + Math.round((rng.next() - 0.5) * 20)));
        }
        x1 = Math.min(x1, px);
        y1 = Math.min(y1, py);
        x2 = Math.max(x2, px);
        y2 = Math.max(y2, py);
      }
    }
    if (x2 < 0) continue;
    placed.push([x, y, e]);
    boxes.push(x1, y1, x2 + 1, y2 + 1);
    classes.push(kind);
  }
  return { image: { data, width: size, height: size }, boxes: Float32Array.from(boxes), classes: Int32Array.from(classes), mask };
}
