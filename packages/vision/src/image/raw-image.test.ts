import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage, decodeMask, writePng } from './raw-image.js';

const dir = mkdtempSync(join(tmpdir(), 'vision-raw-image-'));

describe('decoding images with sharp', () => {
  it('applies the EXIF orientation: a 40×20 JPEG tagged "rotate 90°" decodes as 20×40', async () => {
    const file = join(dir, 'rotated.jpg');
    const pixels = Buffer.alloc(40 * 20 * 3);
    for (let x = 0; x < 10; x++) for (let y = 0; y < 20; y++) pixels[(y * 40 + x) * 3] = 255; // left quarter red
    await sharp(pixels, { raw: { width: 40, height: 20, channels: 3 } })
      .jpeg({ quality: 95 })
      .withMetadata({ orientation: 6 })
      .toFile(file);
    const image = await decodeImage(file);
    expect([image.width, image.height]).toEqual([20, 40]);
    // orientation 6 turns the image clockwise: the left edge becomes the top
    expect(image.data[(2 * 20 + 10) * 3]).toBeGreaterThan(200);
    expect(image.data[(37 * 20 + 10) * 3]).toBeLessThan(50);
  });

  it('expands grayscale to three channels and drops alpha', async () => {
    const gray = join(dir, 'gray.png');
    await sharp(Buffer.alloc(6 * 4, 77), { raw: { width: 6, height: 4, channels: 1 } })
      .png()
      .toFile(gray);
    const g = await decodeImage(gray);
    expect(g.data.length).toBe(6 * 4 * 3);
    expect(Array.from(g.data.subarray(0, 3))).toEqual([77, 77, 77]);
    const rgba = join(dir, 'rgba.png');
    await sharp(Buffer.alloc(2 * 2 * 4, 9), { raw: { width: 2, height: 2, channels: 4 } })
      .png()
      .toFile(rgba);
    expect((await decodeImage(rgba)).data.length).toBe(2 * 2 * 3);
  });

  it('a file that is not an image is a DataError naming it', async () => {
    const bad = join(dir, 'bad.jpg');
    writeFileSync(bad, 'hello');
    await expect(decodeImage(bad)).rejects.toThrow(new RegExp(`^${bad}: cannot decode the image: `));
  });

  it('masks round-trip as one-channel PNGs of class ids', async () => {
    const file = join(dir, 'mask.png');
    await writePng(file, { data: Uint8Array.from([0, 1, 2, 255]), width: 2, height: 2 }, 1);
    expect((await sharp(file).metadata()).channels).toBe(1);
    expect(Array.from((await decodeMask(file)).data)).toEqual([0, 1, 2, 255]);
  });
});
