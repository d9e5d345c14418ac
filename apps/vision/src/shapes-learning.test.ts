import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { cli } from '../test/run-cli.js';
import { writeConfig } from '../test/shapes-fixture.js';

const CONFIGS = resolve(import.meta.dirname, '../configs');
const work = mkdtempSync(join(tmpdir(), 'vision-learning-'));

/**
 * The demo config, reduced for CI: 64×64 images, 320 training and 64 test images, no augmentation, a narrower neck,
 * batches of 8 (more steps for the same images).
 * Chance level: a model that predicts background everywhere scores 0 IoU on the shape class (mIoU ≈ 0.45, the
 * background's IoU ≈ 0.9 halved), and a detector that guesses scores map50 ≈ 0. A minute of training gets about
 * map50 0.39 and shape IoU 0.33 (the full config: map50 0.98, mIoU 0.89, see the README).
 */
describe('polytask-vision learns the shapes (reduced run)', () => {
  it('detection map50 and the shape class IoU well above chance', async () => {
    const config = parse(readFileSync(join(CONFIGS, 'shapes.yaml'), 'utf8'));
    config.data.imageSize = 64;
    config.data.shapes.splits = { train: 320, test: 64 };
    config.data.augment = false;
    config.model.trunk.options = { width: 16, depth: 1, stages: 3, neckChannels: 32 };
    config.train.epochs = 6;
    config.train.batchSize = 8;
    config.train.optimizer.lr = 0.005;
    // the three shapes merged into one class (a merge map): objects against background, learnable in a minute
    config.data.classes = { shape: ['circle', 'square', 'triangle'] };
    config.train.schedule.warmupSteps = 10;
    const out = join(work, 'run');
    const started = performance.now();
    const run = await cli('train', '--config', writeConfig(join(work, 'shapes-ci.yaml'), config), '--out', out);
    expect(run.code, run.stderr).toBe(0);
    const m = JSON.parse(readFileSync(join(out, 'metrics.json'), 'utf8')) as {
      split: string;
      tasks: Record<string, Record<string, number>>;
    };
    console.log(
      JSON.stringify({ seconds: (performance.now() - started) / 1000, detection: m.tasks.detection, segmentation: m.tasks.segmentation }),
    );
    expect(m.split).toBe('test');
    expect(m.tasks.detection!.map50).toBeGreaterThan(0.25);
    expect(m.tasks.segmentation!['iou/shape']).toBeGreaterThan(0.2);
    expect(m.tasks.segmentation!.miou).toBeGreaterThan(0.55);
  }, 300_000);
});
