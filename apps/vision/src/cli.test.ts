import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../test/run-cli.js';
import { shapesFolder, smallConfig, writeConfig } from '../test/shapes-fixture.js';

const APP = resolve(import.meta.dirname, '..');
const REPO = resolve(APP, '../..');
const work = mkdtempSync(join(tmpdir(), 'vision-cli-'));

type Metrics = { split: string; tasks: Record<string, Record<string, number>>; throughput?: Record<string, number> };
const metrics = (dir: string): Metrics => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Metrics;

/** One line of `predict`'s output. */
interface PredictedImage {
  id?: string;
  image: string;
  width: number;
  height: number;
  detection: { class: string; score: number; box: number[] }[];
  segmentation: { pixels: Record<string, number>; mask: string };
  overlay?: string;
}

let data: string;
beforeAll(async () => {
  data = await shapesFolder(24, 8);
});

describe('polytask-vision on a folder of shapes images (COCO128 layout)', () => {
  const out = join(work, 'run');

  it('train reports COCO box AP and mask IoU on the test split, and images/s', async () => {
    const config = writeConfig(join(work, 'small.yaml'), smallConfig(data));
    const run = await cli('train', '--config', config, '--out', out);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const m = metrics(out);
    expect(m.split).toBe('val2017');
    expect(Object.keys(m.tasks.detection!)).toEqual(expect.arrayContaining(['map', 'map50', 'map75']));
    expect(Object.keys(m.tasks.segmentation!)).toEqual(expect.arrayContaining(['miou', 'pixel_accuracy', 'iou/background']));
    expect(m.throughput!['images/s']).toBeGreaterThan(0);
    const model = JSON.parse(readFileSync(join(out, 'model', 'model.json'), 'utf8'));
    expect(model.preprocessing).toMatchObject({ format: 'polytask-vision', detectionClasses: ['circle', 'square', 'triangle'] });
    expect(model.preprocessing.segmentationClasses).toEqual(['background', 'circle', 'square', 'triangle']);
  });

  it('eval scores any split of a --data folder laid out the same way', async () => {
    const evalOut = join(work, 'eval');
    const run = await cli('eval', '--model', out, '--data', data, '--split', 'train2017', '--out', evalOut);
    expect(run.code).toBe(0);
    expect(metrics(evalOut).split).toBe('train2017');
    const bad = await cli('eval', '--model', out, '--data', data, '--split', 'test2017', '--out', evalOut);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/no split "test2017"; the data has: train2017, val2017/);
  });

  it('predict --input FOLDER --out DIR writes boxes, pixel counts, the mask and an overlay of the image size', async () => {
    const predOut = join(work, 'predicted');
    const run = await cli('predict', '--model', out, '--input', join(data, 'images', 'val2017'), '--out', predOut);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as PredictedImage);
    expect(lines).toHaveLength(8);
    for (const p of lines) {
      expect(Object.keys(p)).toEqual(['image', 'width', 'height', 'detection', 'segmentation', 'overlay']);
      expect([p.width, p.height]).toEqual([64, 64]);
      for (const d of p.detection) {
        expect(['circle', 'square', 'triangle']).toContain(d.class);
        expect(d.score).toBeGreaterThanOrEqual(0.3);
        expect(d.box).toHaveLength(4);
      }
      const counts = Object.values(p.segmentation.pixels as Record<string, number>);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(64 * 64);
      const mask = await sharp(p.segmentation.mask).metadata();
      expect([mask.width, mask.height, mask.channels]).toEqual([64, 64, 1]);
      const overlay = await sharp(p.overlay).metadata();
      expect([overlay.format, overlay.width, overlay.height]).toEqual(['png', 64, 64]);
    }
  });

  it('predict reads image paths as lines (or JSON objects with an id), and one image as --input', async () => {
    const images = ['000024.png', '000025.png'].map((f) => join(data, 'images', 'val2017', f));
    const input = join(work, 'paths.txt');
    writeFileSync(input, `${images[0]}\n\n${JSON.stringify({ id: 'b', image: images[1] })}\n`);
    const run = await cli('predict', '--model', out, '--input', input);
    expect(run.code).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as PredictedImage);
    expect(lines.map((l) => l.image)).toEqual(images);
    expect(lines[1]!.id).toBe('b');
    expect(lines[0]!.overlay).toBeUndefined(); // no --out: no files
    const one = await cli('predict', '--model', out, '--input', images[0]!);
    expect(one.code).toBe(0);
    expect(JSON.parse(one.stdout).image).toBe(images[0]);
  });
});

describe('the installed command', () => {
  it('node_modules/.bin/polytask-vision runs the built app, or says how to build it', async () => {
    const bin = join(REPO, 'node_modules/.bin/polytask-vision');
    const run = await promisify(execFile)(bin, ['--help'], { cwd: REPO }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    if (existsSync(join(APP, 'dist/main.js'))) {
      expect(run.code).toBe(0);
      for (const command of ['train', 'eval', 'predict', 'export', 'report']) expect(run.stdout).toContain(command);
    } else {
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(/not built yet; run `npm run build`/);
    }
  });
});
