import { DataError } from '@polytask/core';
import sharp from 'sharp';

/**
 * A decoded image as every stage of the pipeline sees it: interleaved RGB bytes, row-major (`data[(y·width + x)·3 + c]`).
 * Grayscale inputs are expanded to three channels and alpha is dropped, so tensors are always [H, W, 3].
 */
export interface RawImage {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** A single-channel map of the same layout (class ids of a semantic mask). */
export interface RawMask {
  readonly data: Uint8Array;
  readonly width: number;
  readonly height: number;
}

/** Why sharp could not read a file, as the last line of its message (libvips' own words). */
function reason(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return message.split('\n').filter(Boolean).pop() ?? message;
}

/**
 * Decodes a JPEG/PNG/WebP/... file (or bytes) into RGB: EXIF orientation applied (`rotate()`), alpha removed, one
 * channel expanded to three. A file sharp cannot read is a `DataError` naming it.
 */
export async function decodeImage(input: string | Uint8Array, name = typeof input === 'string' ? input : 'image'): Promise<RawImage> {
  try {
    const { data, info } = await sharp(input).rotate().removeAlpha().raw().toBuffer({ resolveWithObject: true });
    return {
      data: toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels),
      width: info.width,
      height: info.height,
    };
  } catch (e) {
    throw new DataError(name, undefined, undefined, `cannot decode the image: ${reason(e)}`);
  }
}

/** Decodes a single-channel mask PNG (class id per pixel, never rotated: masks carry no EXIF). */
export async function decodeMask(file: string): Promise<RawMask> {
  try {
    const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.length);
    if (info.channels === 1) return { data: bytes, width: info.width, height: info.height };
    const first = new Uint8Array(info.width * info.height);
    for (let i = 0; i < first.length; i++) first[i] = bytes[i * info.channels]!;
    return { data: first, width: info.width, height: info.height };
  } catch (e) {
    throw new DataError(file, undefined, undefined, `cannot decode the mask: ${reason(e)}`);
  }
}

function toRgb(bytes: Uint8Array, channels: number): Uint8Array {
  if (channels === 3) return bytes;
  const n = bytes.length / channels;
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    const g = bytes[i * channels]!;
    // 1 channel: gray; 2 (gray + alpha, kept by removeAlpha on some inputs): gray too
    rgb[i * 3] = channels >= 3 ? bytes[i * channels]! : g;
    rgb[i * 3 + 1] = channels >= 3 ? bytes[i * channels + 1]! : g;
    rgb[i * 3 + 2] = channels >= 3 ? bytes[i * channels + 2]! : g;
  }
  return rgb;
}

/** Writes an RGB image (or a one-channel mask) as PNG. */
export async function writePng(file: string, image: RawImage | RawMask, channels: 1 | 3 = 3): Promise<void> {
  const raw = sharp(image.data, { raw: { width: image.width, height: image.height, channels } });
  // one channel stays one channel (a mask of class ids), not an sRGB expansion
  await (channels === 1 ? raw.toColourspace('b-w') : raw).png().toFile(file);
}
