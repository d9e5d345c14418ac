import { resolve } from 'node:path';
import { type StreamingDataset, UsageError } from '@polytask/core';
import { cocoJsonSource, instanceCategories } from '../readers/coco-json.js';
import { coco128Source, coco128Splits, readCoco128Classes, UNLABELED } from '../readers/coco128.js';
import { shapesSource } from '../readers/shapes-source.js';
import { type ClassMap, resolveClassMap } from './class-map.js';
import type { VisionDataConfig } from './config.js';
import { SHAPE_CLASSES } from './shapes.js';
import { type ImageSource, visionDataset } from './vision-dataset.js';

/** The name of segmentation class 0: every pixel of a class not trained (and of no object). */
export const BACKGROUND = 'background';

export interface VisionData {
  readonly splits: Record<string, StreamingDataset>;
  readonly trainSplit: string;
  readonly validSplit?: string;
  readonly testSplit?: string;
  readonly detectionClasses: readonly string[];
  /** `background` first, then the detection classes. */
  readonly segmentationClasses: readonly string[];
  readonly warnings: string[];
}

export interface LoadVisionOptions {
  /** The dataset folder (`--data`, or `data.root` against the config's folder). */
  readonly root?: string;
  /** Seed of the augmentation. */
  readonly seed?: number;
  /** The config file, for errors in `data.classes`. */
  readonly configFile?: string;
  /** Augment the training split (default true; eval reads every split as it is). */
  readonly augment?: boolean;
}

/** Segmentation classes from the detection classes: background (0), then each trained class at its id + 1. */
export function segmentationMapOf(detection: ClassMap): ClassMap {
  return {
    names: [BACKGROUND, ...detection.names],
    targetOf: (name) => {
      const t = detection.targetOf(name);
      return t === undefined ? undefined : t + 1;
    },
  };
}

function classMaps(config: VisionDataConfig, defaults: readonly string[], known: readonly string[], file: string) {
  try {
    const detection = resolveClassMap(config.classes, defaults, known);
    return { detection, segmentation: segmentationMapOf(detection) };
  } catch (e) {
    throw new UsageError(`invalid config: ${file}: field "data.classes": ${(e as Error).message}`);
  }
}

interface SplitSources {
  readonly sources: Record<string, ImageSource>;
  readonly maps: { detection: ClassMap; segmentation: ClassMap };
  readonly warnings: string[];
  readonly defaultTrain: string;
}

function shapesSplits(config: VisionDataConfig, file: string): SplitSources {
  const maps = classMaps(config, SHAPE_CLASSES, SHAPE_CLASSES, file);
  const { seed, splits, minObjects, maxObjects } = config.shapes;
  let first = 0;
  const sources: Record<string, ImageSource> = {};
  for (const [name, count] of Object.entries(splits)) {
    const n = Math.min(count, config.maxImages ?? count);
    sources[name] = shapesSource(seed, first, n, { size: config.imageSize, minObjects, maxObjects }, maps);
    first += count;
  }
  return { sources, maps, warnings: [], defaultTrain: 'train' };
}

function coco128SplitSources(config: VisionDataConfig, root: string, file: string): SplitSources {
  const classes = readCoco128Classes(root);
  const detectionNames = [...classes.detection.values()];
  const semanticNames = [...(classes.semantic?.values() ?? [])].filter((n) => n !== UNLABELED && n !== BACKGROUND);
  const maps = classMaps(config, detectionNames, [...new Set([...detectionNames, ...semanticNames])], file);
  const sources: Record<string, ImageSource> = {};
  const warnings: string[] = [];
  for (const split of coco128Splits(root)) {
    const { source, warnings: w } = coco128Source(root, split, classes, maps, config.maxImages);
    sources[split] = source;
    warnings.push(...w);
  }
  return { sources, maps, warnings, defaultTrain: 'train2017' };
}

function cocoJsonSplitSources(config: VisionDataConfig, root: string, file: string): SplitSources {
  const splits = config.splits!;
  const first = Object.values(splits)[0]!;
  const names = [...instanceCategories(resolve(root, first.instances)).values()];
  const maps = classMaps(config, names, names, file);
  const sources = Object.fromEntries(Object.entries(splits).map(([name, s]) => [name, cocoJsonSource(root, s, maps, config.maxImages)]));
  return { sources, maps, warnings: [], defaultTrain: Object.keys(splits)[0]! };
}

/**
 * The splits of a vision dataset as streaming datasets (the training split augmented), with the trained classes.
 * Nothing is decoded here: images are read batch by batch during training and evaluation.
 */
export function loadVisionData(config: VisionDataConfig, options: LoadVisionOptions = {}): VisionData {
  const file = options.configFile ?? 'config';
  const root = options.root ?? '.';
  const { sources, maps, warnings, defaultTrain } =
    config.format === 'shapes'
      ? shapesSplits(config, file)
      : config.format === 'coco128'
        ? coco128SplitSources(config, root, file)
        : cocoJsonSplitSources(config, root, file);
  const names = Object.keys(sources);
  const trainSplit = config.trainSplit ?? defaultTrain;
  for (const [key, split] of [
    ['trainSplit', trainSplit],
    ['validSplit', config.validSplit],
    ['testSplit', config.testSplit],
  ] as const) {
    if (split !== undefined && !names.includes(split)) {
      throw new UsageError(`invalid config: ${file}: field "data.${key}": split "${split}" is not one of ${names.join(', ')}`);
    }
  }
  const augment = options.augment !== false && config.augment !== false ? config.augment : undefined;
  const dataset = (source: ImageSource, augmented: boolean) =>
    visionDataset(source, {
      imageSize: config.imageSize,
      augment: augmented ? augment : undefined,
      seed: options.seed,
      prefetch: config.prefetch,
    });
  const splits = Object.fromEntries(Object.entries(sources).map(([name, source]) => [name, dataset(source, name === trainSplit)]));
  // the training split scored as it is, not augmented, where it is scored (COCO128 has train2017 only)
  const plain = () => {
    const name = `${trainSplit}-eval`;
    splits[name] ??= dataset(sources[trainSplit]!, false);
    return name;
  };
  const unaugmented = (split: string | undefined) => (augment && split === trainSplit ? plain() : split);
  const validSplit = unaugmented(config.validSplit ?? (names.includes('valid') ? 'valid' : undefined));
  let testSplit = unaugmented(config.testSplit ?? (config.format === 'shapes' && names.includes('test') ? 'test' : undefined));
  if (augment && testSplit === undefined && validSplit === undefined) testSplit = plain();
  return {
    splits,
    trainSplit,
    validSplit,
    testSplit,
    detectionClasses: maps.detection.names,
    segmentationClasses: maps.segmentation.names,
    warnings,
  };
}
