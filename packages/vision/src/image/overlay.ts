import sharp from 'sharp';
import type { RawImage } from './raw-image.js';

/** A distinct colour per class id (golden-angle hues), the same in every overlay. */
export function classColour(id: number): [number, number, number] {
  const h = (id * 137.508) % 360;
  const f = (n: number) => {
    const k = (n + h / 60) % 6;
    return Math.round(255 * (0.85 - 0.6 * Math.max(0, Math.min(k, 4 - k, 1))));
  };
  return [f(5), f(3), f(1)];
}

export interface OverlayBox {
  /** x1 y1 x2 y2 in the image's pixels. */
  readonly box: readonly number[];
  readonly label: string;
  readonly colourId: number;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * Writes `image` as PNG with the mask (class ids per pixel, 0 = background left clear) blended over it and the
 * boxes drawn as outlines with their labels.
 */
export async function writeOverlay(
  file: string,
  image: RawImage,
  mask: Uint8Array | undefined,
  boxes: readonly OverlayBox[],
  alpha = 0.45,
): Promise<void> {
  const data = Uint8Array.from(image.data);
  if (mask) {
    for (let i = 0; i < mask.length; i++) {
      if (mask[i] === 0) continue;
      const c = classColour(mask[i]!);
      for (let k = 0; k < 3; k++) data[i * 3 + k] = Math.round(data[i * 3 + k]! * (1 - alpha) + c[k]! * alpha);
    }
  }
  const { width, height } = image;
  const shapes = boxes.map(({ box, label, colourId }) => {
    const [r, g, b] = classColour(colourId);
    const [x1, y1, x2, y2] = box.map((v) => Math.round(v * 10) / 10) as [number, number, number, number];
    const ty = y1 > 14 ? y1 - 3 : y1 + 12;
    return (
      `<rect x="${x1}" y="${y1}" width="${Math.max(1, x2 - x1)}" height="${Math.max(1, y2 - y1)}" fill="none" stroke="rgb(${r},${g},${b})" stroke-width="2"/>` +
      `<text x="${x1 + 2}" y="${ty}" font-family="sans-serif" font-size="11" fill="rgb(${r},${g},${b})" stroke="black" stroke-width="0.4">${escapeXml(label)}</text>`
    );
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${shapes.join('')}</svg>`;
  await sharp(data, { raw: { width, height, channels: 3 } })
    .composite([{ input: Buffer.from(svg), top: 0, left: 0 }])
    .png()
    .toFile(file);
}
