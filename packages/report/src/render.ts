import { writeFile } from 'node:fs/promises';
import sharp from 'sharp';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import * as vl from 'vega-lite';

/** Compiles a Vega-Lite spec and renders it headless (no canvas, no DOM) to an SVG string. */
export async function specToSvg(spec: TopLevelSpec): Promise<string> {
  const compiled = vl.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterizes an SVG to PNG at `scale`× its own size (2 by default: sharp text on high-DPI screens). */
export async function svgToPng(svg: string, scale = 2): Promise<Buffer> {
  return sharp(Buffer.from(svg), { density: 72 * scale })
    .png()
    .toBuffer();
}

/** Renders a Vega-Lite spec to a PNG file. */
export async function renderPng(spec: TopLevelSpec, file: string, scale = 2): Promise<void> {
  await writeFile(file, await svgToPng(await specToSvg(spec), scale));
}
