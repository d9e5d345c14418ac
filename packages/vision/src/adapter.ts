import { existsSync, statSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import {
  createTask,
  DataError,
  type DomainAdapter,
  type DomainData,
  type EncodedRecords,
  type FormatContext,
  type Prediction,
  parseSavedPreprocessing,
  type RunConfig,
  type TaskSpec,
  taskLabelKey,
  UsageError,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { resolveDataConfig } from './data/config.js';
import { loadVisionData } from './data/load.js';
import { DETECTION_LABEL, IMAGE_INPUT, normalisePixels, SEGMENTATION_LABEL } from './data/sample.js';
import { writeOverlay } from './image/overlay.js';
import { letterbox, type Placement, placeImage, toOutput } from './image/placement.js';
import { decodeImage, type RawImage, writePng } from './image/raw-image.js';
import { IMAGE_EXTENSIONS, listImages } from './readers/coco128.js';
import './register.js';
import type { DecodedDetection } from './tasks/detection.js';
import type { DecodedMask } from './tasks/segmentation.js';

/** What a trained vision model keeps besides its weights (model.json `preprocessing`). */
export const VisionPreprocessing = z.object({
  format: z.literal('polytask-vision'),
  version: z.literal(1),
  imageSize: z.number().int().positive(),
  detectionClasses: z.array(z.string()),
  segmentationClasses: z.array(z.string()),
  predictScoreThreshold: z.number().min(0).max(1),
});
export type VisionPreprocessing = z.infer<typeof VisionPreprocessing>;

/** The label key and class names each vision task kind reads. */
const KIND_LABELS: Record<string, { label: string; classes: (p: VisionPreprocessing) => readonly string[] }> = {
  detection: { label: DETECTION_LABEL, classes: (p) => p.detectionClasses },
  segmentation: { label: SEGMENTATION_LABEL, classes: (p) => p.segmentationClasses },
};

/** The tasks of a config, each with its classes' names (detection classes, or background + them for pixels). */
export function buildVisionTasks(config: RunConfig, prep: VisionPreprocessing): TaskSpec[] {
  return config.tasks.map((t) => {
    const kind = KIND_LABELS[t.type ?? ''];
    return createTask(t, kind ? { classNames: kind.classes(prep) } : undefined);
  });
}

function checkTasks(tasks: readonly TaskSpec[], config: RunConfig, file: string): void {
  tasks.forEach((task, i) => {
    const key = taskLabelKey(task);
    const type = config.tasks[i]!.type ?? 'binary';
    const expected = KIND_LABELS[type]?.label;
    if (expected === undefined || key !== expected) {
      throw new UsageError(
        `invalid config: ${file}: task "${task.name}" (${type}) reads labels "${key}", but vision data provides "detection" boxes (task type detection) and "segmentation" masks (task type segmentation)`,
      );
    }
  });
}

/** Validates saved preprocessing (model.json's `preprocessing`). */
export function parseVisionPreprocessing(value: unknown, file = 'model.json'): VisionPreprocessing {
  return parseSavedPreprocessing(VisionPreprocessing, value, file, 'a vision preprocessing');
}

/** A predict record: the image to read. */
interface ImageRecord {
  readonly image: string;
}

function imagePath(record: unknown, where: string): string {
  const image = (record as Partial<ImageRecord> | null)?.image;
  if (typeof image !== 'string' || image === '') throw new DataError(where, undefined, 'image', 'expected an image path');
  return resolve(image);
}

/** Decoded image of a record, checked to exist first (a clear message rather than libvips'). */
async function readImage(path: string): Promise<RawImage> {
  if (!existsSync(path)) throw new DataError(path, undefined, undefined, 'no such image file');
  return decodeImage(path);
}

/** A point of the network input → the source image (the letterbox inverted). */
function toSource(p: Placement, u: number, v: number): [number, number] {
  return [(u - p.offsetX) / p.scale, (v - p.offsetY) / p.scale];
}

/** The decoded mask (network input) resampled to the source image: each source pixel reads its placed position. */
function maskToSource(mask: DecodedMask, p: Placement): Uint8Array {
  const out = new Uint8Array(p.sourceWidth * p.sourceHeight);
  for (let y = 0; y < p.sourceHeight; y++) {
    for (let x = 0; x < p.sourceWidth; x++) {
      const [u, v] = toOutput(p, x + 0.5, y + 0.5);
      const ui = Math.min(mask.width - 1, Math.max(0, Math.floor(u)));
      const vi = Math.min(mask.height - 1, Math.max(0, Math.floor(v)));
      out[y * p.sourceWidth + x] = mask.classIds[vi * mask.width + ui]!;
    }
  }
  return out;
}

const isMask = (v: unknown): v is DecodedMask => v !== null && typeof v === 'object' && 'classIds' in v;

/**
 * One image's predictions as `predict` writes them: boxes in the image's pixels with class names and scores
 * (at least `predictScoreThreshold`), the mask's pixel counts per class and, under `--out DIR`, the mask as a PNG
 * of class ids and an overlay PNG with boxes, labels and the mask drawn over the image.
 */
async function formatVisionPrediction(
  prediction: Prediction,
  record: unknown,
  prep: VisionPreprocessing,
  context: FormatContext,
): Promise<Record<string, unknown>> {
  const path = imagePath(record, context.source);
  const image = await readImage(path);
  const placement = letterbox(image.width, image.height, prep.imageSize);
  const out: Record<string, unknown> = { image: path, width: image.width, height: image.height };
  const boxes: { box: number[]; label: string; colourId: number }[] = [];
  let sourceMask: Uint8Array | undefined;
  const name = basename(path, extname(path));
  for (const [task, value] of Object.entries(prediction)) {
    if (Array.isArray(value)) {
      const detections = (value as DecodedDetection[])
        .filter((d) => d.score >= prep.predictScoreThreshold)
        .map((d) => {
          const [x1, y1] = toSource(placement, d.box[0] * prep.imageSize, d.box[1] * prep.imageSize);
          const [x2, y2] = toSource(placement, d.box[2] * prep.imageSize, d.box[3] * prep.imageSize);
          const box = [x1, y1, x2, y2].map(
            (v, k) => Math.round(Math.min(k % 2 === 0 ? image.width : image.height, Math.max(0, v)) * 10) / 10,
          );
          const className = prep.detectionClasses[d.classId] ?? String(d.classId);
          boxes.push({ box, label: `${className} ${d.score.toFixed(2)}`, colourId: d.classId + 1 });
          return { class: className, score: d.score, box };
        });
      out[task] = detections;
    } else if (isMask(value)) {
      sourceMask = maskToSource(value, placement);
      const counts = new Map<number, number>();
      for (const c of sourceMask) counts.set(c, (counts.get(c) ?? 0) + 1);
      const pixels = Object.fromEntries(
        [...counts].sort(([a], [b]) => a - b).map(([c, n]) => [prep.segmentationClasses[c] ?? String(c), n]),
      );
      const entry: Record<string, unknown> = { pixels };
      if (context.outDir) {
        entry.mask = join(context.outDir, `${name}.mask.png`);
        await writePng(entry.mask as string, { data: sourceMask, width: image.width, height: image.height }, 1);
      }
      out[task] = entry;
    } else {
      out[task] = value;
    }
  }
  if (context.outDir) {
    out.overlay = join(context.outDir, `${name}.overlay.png`);
    await writeOverlay(out.overlay as string, image, sourceMask, boxes);
  }
  return out;
}

/**
 * The vision domain: synthetic shapes, COCO128-style folders and COCO JSON instances; one backbone shared by an
 * anchor-free detection task and a semantic segmentation task. Plug into `runDomainCli` for `polytask-vision`.
 */
export const visionDomain: DomainAdapter<VisionPreprocessing> = {
  name: 'vision',
  sampleNoun: 'images',

  async loadData(config: RunConfig, options): Promise<DomainData<VisionPreprocessing>> {
    const file = options.configFile ?? 'config';
    const data = resolveDataConfig(config.data, file);
    const root = options.dataRoot ?? (data.root === undefined ? undefined : resolve(options.configDir, data.root));
    const loaded = loadVisionData(data, { root, seed: config.seed, configFile: file, augment: options.preprocessing === undefined });
    const saved = options.preprocessing;
    if (saved && saved.detectionClasses.join('\n') !== loaded.detectionClasses.join('\n')) {
      throw new UsageError(
        `${file}: the data's classes (${loaded.detectionClasses.join(', ')}) are not the model's (${saved.detectionClasses.join(', ')})`,
      );
    }
    const preprocessing: VisionPreprocessing = saved ?? {
      format: 'polytask-vision',
      version: 1,
      imageSize: data.imageSize,
      detectionClasses: [...loaded.detectionClasses],
      segmentationClasses: [...loaded.segmentationClasses],
      predictScoreThreshold: data.predictScoreThreshold,
    };
    const tasks = buildVisionTasks(config, preprocessing);
    checkTasks(tasks, config, file);
    return {
      splits: loaded.splits,
      trainSplit: loaded.trainSplit,
      validSplit: loaded.validSplit,
      testSplit: loaded.testSplit,
      tasks,
      preprocessing,
      warnings: loaded.warnings,
    };
  },

  serializePreprocessing: (prep) => prep,
  parsePreprocessing: parseVisionPreprocessing,
  createTasks: buildVisionTasks,

  async encodeRecords(records, _config, prep, source): Promise<EncodedRecords> {
    const size = prep.imageSize;
    const pixels = new Float32Array(records.length * size * size * 3);
    for (const [i, record] of records.entries()) {
      const image = await readImage(imagePath(record, source(i)));
      pixels.set(normalisePixels(placeImage(image, letterbox(image.width, image.height, size))), i * size * size * 3);
    }
    return { inputs: { [IMAGE_INPUT]: tf.tensor4d(pixels, [records.length, size, size, 3]) } };
  },

  /** A line is an image path, or a JSON object `{"image": path, ...}` (other fields, such as an id, pass through). */
  parsePredictLine(line: string): unknown {
    const text = line.trim();
    if (text.startsWith('{')) return JSON.parse(text);
    return { image: text };
  },

  /** `--input` a folder: its images, sorted; an image file: that image; anything else is a file of lines. */
  predictInputLines(input: string): string[] | undefined {
    if (!existsSync(input)) return undefined;
    if (statSync(input).isDirectory()) return listImages(input);
    return IMAGE_EXTENSIONS.has(extname(input).toLowerCase()) ? [resolve(input)] : undefined;
  },

  formatPrediction: formatVisionPrediction,
};
