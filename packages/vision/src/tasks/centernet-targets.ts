import { type RaggedTargets, raggedCount, raggedRow } from '@polytask/core';

/** Dense CenterNet training targets of a batch, on the host, laid out like the head's output ([B, H, W, ·]). */
export interface CenterNetTargets {
  /** [B, H, W, C] Gaussian peaks (exactly 1 at each object's centre cell). */
  readonly heatmap: Float32Array;
  /** [B, H, W, C] 1 at each object's centre cell in its class channel. */
  readonly peaks: Float32Array;
  /** [B, H, W, 4] centre offset inside the cell (dx, dy) and log size (log w, log h), in cells. */
  readonly regression: Float32Array;
  /** [B, H, W, 1] 1 at the centre cells (where the regression is trained). */
  readonly centres: Float32Array;
  /** Number of objects drawn. */
  readonly count: number;
}

/**
 * CenterNet's Gaussian radius (Zhou et al. 2019, `gaussian_radius`): the largest corner shift that keeps a box of
 * `height`×`width` cells above `minOverlap` IoU with the truth, over the three ways a box can be shifted.
 */
export function gaussianRadius(height: number, width: number, minOverlap = 0.7): number {
  const b1 = height + width;
  const c1 = (width * height * (1 - minOverlap)) / (1 + minOverlap);
  const r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;
  const b2 = 2 * (height + width);
  const c2 = (1 - minOverlap) * width * height;
  const r2 = (b2 + Math.sqrt(b2 * b2 - 16 * c2)) / 2;
  const a3 = 4 * minOverlap;
  const b3 = -2 * minOverlap * (height + width);
  const c3 = (minOverlap - 1) * width * height;
  const r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
  return Math.min(r1, r2, r3);
}

/**
 * Draws a batch's targets from its ragged boxes (normalised x1 y1 x2 y2) and classes. Crowd boxes and samples whose
 * mask is 0 draw nothing.
 */
export function centerNetTargets(
  ragged: RaggedTargets,
  batch: number,
  height: number,
  width: number,
  classes: number,
  sampleMask?: ArrayLike<number>,
): CenterNetTargets {
  const heatmap = new Float32Array(batch * height * width * classes);
  const peaks = new Float32Array(heatmap.length);
  const regression = new Float32Array(batch * height * width * 4);
  const centres = new Float32Array(batch * height * width);
  const { boxes, classes: ids, crowd } = ragged;
  if (!boxes || !ids) throw new Error('detection targets need ragged "boxes" and "classes"');
  let count = 0;
  for (let b = 0; b < batch; b++) {
    if (sampleMask && sampleMask[b] === 0) continue;
    const row = raggedRow(boxes, b);
    const cls = raggedRow(ids, b);
    const isCrowd = crowd ? raggedRow(crowd, b) : undefined;
    for (let k = 0; k < raggedCount(boxes, b); k++) {
      if (isCrowd?.[k]) continue;
      const c = cls[k]!;
      if (c < 0 || c >= classes) throw new Error(`detection class id ${c} is outside [0, ${classes})`);
      const x1 = row[k * 4]! * width;
      const y1 = row[k * 4 + 1]! * height;
      const w = row[k * 4 + 2]! * width - x1;
      const h = row[k * 4 + 3]! * height - y1;
      if (w <= 0 || h <= 0) continue;
      const cx = x1 + w / 2;
      const cy = y1 + h / 2;
      const ix = Math.min(width - 1, Math.floor(cx));
      const iy = Math.min(height - 1, Math.floor(cy));
      const radius = Math.max(0, Math.floor(gaussianRadius(h, w)));
      const sigma = (2 * radius + 1) / 6;
      for (let y = Math.max(0, iy - radius); y <= Math.min(height - 1, iy + radius); y++) {
        for (let x = Math.max(0, ix - radius); x <= Math.min(width - 1, ix + radius); x++) {
          const g = Math.exp(-((x - ix) ** 2 + (y - iy) ** 2) / (2 * sigma * sigma));
          const at = ((b * height + y) * width + x) * classes + c;
          if (g > heatmap[at]!) heatmap[at] = g;
        }
      }
      const cell = (b * height + iy) * width + ix;
      heatmap[cell * classes + c] = 1;
      peaks[cell * classes + c] = 1;
      regression.set([cx - ix, cy - iy, Math.log(w), Math.log(h)], cell * 4);
      centres[cell] = 1;
      count += 1;
    }
  }
  return { heatmap, peaks, regression, centres, count };
}
