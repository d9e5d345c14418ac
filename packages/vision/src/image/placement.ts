import type { RawImage } from './raw-image.js';

/**
 * Where a source image lands in the network input: a source point (x, y) goes to
 * (scale·x' + offsetX, scale·y + offsetY) with x' = width − x when `flip`. Letterboxing, scale jitter, random crops
 * and horizontal flips are all one placement, so the image, its boxes and its mask move through the same mapping.
 */
export interface Placement {
  readonly sourceWidth: number;
  readonly sourceHeight: number;
  /** Output (network input) size. */
  readonly width: number;
  readonly height: number;
  readonly scale: number;
  readonly offsetX: number;
  readonly offsetY: number;
  readonly flip: boolean;
}

/** The whole image scaled to fit `size`×`size` (aspect kept), centred; the rest is padding. */
export function letterbox(sourceWidth: number, sourceHeight: number, size: number): Placement {
  const scale = Math.min(size / sourceWidth, size / sourceHeight);
  return {
    sourceWidth,
    sourceHeight,
    width: size,
    height: size,
    scale,
    offsetX: (size - sourceWidth * scale) / 2,
    offsetY: (size - sourceHeight * scale) / 2,
    flip: false,
  };
}

/** Output point → source point (the inverse mapping, for sampling). */
function toSource(p: Placement, u: number, v: number): [number, number] {
  const x = (u - p.offsetX) / p.scale;
  return [p.flip ? p.sourceWidth - x : x, (v - p.offsetY) / p.scale];
}

/** Source point → output point. */
export function toOutput(p: Placement, x: number, y: number): [number, number] {
  return [p.scale * (p.flip ? p.sourceWidth - x : x) + p.offsetX, p.scale * y + p.offsetY];
}

/** The image resampled into the placement (bilinear at pixel centres); outside the source: `fill` grey. */
export function placeImage(image: RawImage, p: Placement, fill = 114): RawImage {
  const { width: W, height: H } = p;
  const out = new Uint8Array(W * H * 3);
  const sw = image.width;
  const sh = image.height;
  const src = image.data;
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const [sx, sy] = toSource(p, u + 0.5, v + 0.5);
      const o = (v * W + u) * 3;
      if (sx < 0 || sy < 0 || sx >= sw || sy >= sh) {
        out[o] = out[o + 1] = out[o + 2] = fill;
        continue;
      }
      const fx = Math.min(Math.max(sx - 0.5, 0), sw - 1);
      const fy = Math.min(Math.max(sy - 0.5, 0), sh - 1);
      const x0 = Math.floor(fx);
      const y0 = Math.floor(fy);
      const x1 = Math.min(x0 + 1, sw - 1);
      const y1 = Math.min(y0 + 1, sh - 1);
      const ax = fx - x0;
      const ay = fy - y0;
      for (let c = 0; c < 3; c++) {
        const top = src[(y0 * sw + x0) * 3 + c]! * (1 - ax) + src[(y0 * sw + x1) * 3 + c]! * ax;
        const bottom = src[(y1 * sw + x0) * 3 + c]! * (1 - ax) + src[(y1 * sw + x1) * 3 + c]! * ax;
        out[o + c] = Math.round(top * (1 - ay) + bottom * ay);
      }
    }
  }
  return { data: out, width: W, height: H };
}

/** Per-pixel labels resampled into the placement (nearest: labels never blend); outside the source: `fill`. */
export function placeLabels(labels: ArrayLike<number>, sw: number, sh: number, p: Placement, fill = -1): Int32Array {
  const { width: W, height: H } = p;
  const out = new Int32Array(W * H);
  for (let v = 0; v < H; v++) {
    for (let u = 0; u < W; u++) {
      const [sx, sy] = toSource(p, u + 0.5, v + 0.5);
      out[v * W + u] = sx < 0 || sy < 0 || sx >= sw || sy >= sh ? fill : labels[Math.floor(sy) * sw + Math.floor(sx)]!;
    }
  }
  return out;
}

export interface PlacedBoxes {
  /** [n, 4] x1 y1 x2 y2, normalised to the output size ([0, 1]). */
  readonly boxes: Float32Array;
  /** Which source boxes survived (their index), in order. */
  readonly kept: number[];
}

/**
 * Boxes (source pixels, x1 y1 x2 y2) through the placement, clipped to the output and normalised. A box is dropped
 * when less than `minVisible` of its area remains inside the output, or it is under a pixel wide or tall there.
 */
export function placeBoxes(boxes: ArrayLike<number>, p: Placement, minVisible = 0.3): PlacedBoxes {
  const out: number[] = [];
  const kept: number[] = [];
  for (let i = 0; i < boxes.length / 4; i++) {
    const [ax, ay] = toOutput(p, boxes[i * 4]!, boxes[i * 4 + 1]!);
    const [bx, by] = toOutput(p, boxes[i * 4 + 2]!, boxes[i * 4 + 3]!);
    const x1 = Math.min(ax, bx);
    const x2 = Math.max(ax, bx);
    const area = (x2 - x1) * (by - ay);
    const cx1 = Math.max(0, x1);
    const cy1 = Math.max(0, ay);
    const cx2 = Math.min(p.width, x2);
    const cy2 = Math.min(p.height, by);
    if (cx2 - cx1 < 1 || cy2 - cy1 < 1 || (cx2 - cx1) * (cy2 - cy1) < minVisible * area) continue;
    out.push(cx1 / p.width, cy1 / p.height, cx2 / p.width, cy2 / p.height);
    kept.push(i);
  }
  return { boxes: Float32Array.from(out), kept };
}
