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

/** Source point → output point. */
export function toOutput(p: Placement, x: number, y: number): [number, number] {
  return [p.scale * (p.flip ? p.sourceWidth - x : x) + p.offsetX, p.scale * y + p.offsetY];
}

/** Source x of output column u (pixel centres), and source y of output row v: the inverse mapping, per axis. */
function sourceColumns(p: Placement): Float64Array {
  return Float64Array.from({ length: p.width }, (_, u) => {
    const x = (u + 0.5 - p.offsetX) / p.scale;
    return p.flip ? p.sourceWidth - x : x;
  });
}

function sourceRows(p: Placement): Float64Array {
  return Float64Array.from({ length: p.height }, (_, v) => (v + 0.5 - p.offsetY) / p.scale);
}

/** The image resampled into the placement (bilinear at pixel centres); outside the source: `fill` grey. */
export function placeImage(image: RawImage, p: Placement, fill = 114): RawImage {
  const { width: W, height: H } = p;
  const out = new Uint8Array(W * H * 3).fill(fill);
  const sw = image.width;
  const sh = image.height;
  const src = image.data;
  const xs = sourceColumns(p);
  const ys = sourceRows(p);
  for (let v = 0; v < H; v++) {
    const sy = ys[v]!;
    if (sy < 0 || sy >= sh) continue;
    const fy = Math.min(Math.max(sy - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const ay = fy - y0;
    for (let u = 0; u < W; u++) {
      const sx = xs[u]!;
      if (sx < 0 || sx >= sw) continue;
      const fx = Math.min(Math.max(sx - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const ax = fx - x0;
      const o = (v * W + u) * 3;
      const a = (y0 * sw + x0) * 3;
      const b = (y0 * sw + x1) * 3;
      const c = (y1 * sw + x0) * 3;
      const d = (y1 * sw + x1) * 3;
      for (let k = 0; k < 3; k++) {
        const top = src[a + k]! + (src[b + k]! - src[a + k]!) * ax;
        const bottom = src[c + k]! + (src[d + k]! - src[c + k]!) * ax;
        out[o + k] = Math.round(top + (bottom - top) * ay);
      }
    }
  }
  return { data: out, width: W, height: H };
}

/** Per-pixel labels resampled into the placement (nearest: labels never blend); outside the source: `fill`. */
export function placeLabels(labels: ArrayLike<number>, sw: number, sh: number, p: Placement, fill = -1): Int32Array {
  const { width: W, height: H } = p;
  const out = new Int32Array(W * H).fill(fill);
  const xs = sourceColumns(p);
  const ys = sourceRows(p);
  for (let v = 0; v < H; v++) {
    const sy = ys[v]!;
    if (sy < 0 || sy >= sh) continue;
    const row = Math.floor(sy) * sw;
    for (let u = 0; u < W; u++) {
      const sx = xs[u]!;
      if (sx >= 0 && sx < sw) out[v * W + u] = labels[row + Math.floor(sx)]!;
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
