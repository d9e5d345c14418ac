/**
 * Fills a polygon (flat x0 y0 x1 y1 ... in pixels) into a row-major label map with `value`, even-odd rule, pixel
 * centres: what COCO's polygon masks mean.
 */
export function fillPolygon(labels: Int32Array, width: number, height: number, polygon: ArrayLike<number>, value: number): void {
  const n = Math.floor(polygon.length / 2);
  if (n < 3) return;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    minY = Math.min(minY, polygon[i * 2 + 1]!);
    maxY = Math.max(maxY, polygon[i * 2 + 1]!);
  }
  const crossings: number[] = [];
  for (let y = Math.max(0, Math.floor(minY)); y <= Math.min(height - 1, Math.ceil(maxY)); y++) {
    const cy = y + 0.5;
    crossings.length = 0;
    for (let i = 0; i < n; i++) {
      const x0 = polygon[i * 2]!;
      const y0 = polygon[i * 2 + 1]!;
      const x1 = polygon[((i + 1) % n) * 2]!;
      const y1 = polygon[((i + 1) % n) * 2 + 1]!;
      if (y0 <= cy === y1 <= cy) continue;
      crossings.push(x0 + ((cy - y0) / (y1 - y0)) * (x1 - x0));
    }
    crossings.sort((a, b) => a - b);
    for (let k = 0; k + 1 < crossings.length; k += 2) {
      const from = Math.max(0, Math.ceil(crossings[k]! - 0.5));
      const to = Math.min(width - 1, Math.ceil(crossings[k + 1]! - 0.5) - 1); // centres in [left, right)
      for (let x = from; x <= to; x++) labels[y * width + x] = value;
    }
  }
}
