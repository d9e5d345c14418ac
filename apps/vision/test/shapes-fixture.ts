import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeShapesDataset } from '@polytask/vision';
import { stringify } from 'yaml';

/** A COCO128-layout folder of 64×64 shapes images (PNG, YOLO labels, masks): `train2017` and `val2017`. */
export async function shapesFolder(train = 24, val = 8, dir = mkdtempSync(join(tmpdir(), 'vision-shapes-'))): Promise<string> {
  await writeShapesDataset(dir, { seed: 3, size: 64, minObjects: 1, maxObjects: 3, splits: { train2017: train, val2017: val } });
  return dir;
}

// biome-ignore lint/suspicious/noExplicitAny: tests edit the config freely, field by field, as a user would
export type Config = Record<string, any>;

/** A small, fast run config over a shapes folder. */
export function smallConfig(root: string): Config {
  return {
    seed: 1,
    data: { format: 'coco128', root, imageSize: 64, trainSplit: 'train2017', testSplit: 'val2017', augment: false },
    tasks: [
      { name: 'detection', type: 'detection' },
      { name: 'segmentation', type: 'segmentation' },
    ],
    model: { trunk: { type: 'vision-backbone', options: { width: 8, depth: 1, stages: 3, neckChannels: 16 } } },
    train: { epochs: 2, batchSize: 8, evalBatchSize: 8, optimizer: { name: 'adam', lr: 0.005 } },
  };
}

/** Writes a config as YAML; returns its path. */
export function writeConfig(file: string, config: Config): string {
  writeFileSync(file, stringify(config));
  return file;
}
