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
 * The demo config, reduced for CI: 64×64 images, 480 training and 96 test images, a narrower backbone, fewer epochs.
 * Chance level: a model that predicts background everywhere scores mIoU ≈ 0.22 (background IoU ≈ 0.87, shapes 0) and
 * a detector that guesses scores map50 ≈ 0.
 */
describe('polytask-vision learns the shapes (reduced run)', () => {
  it('detection map50 and segmentation mIoU well above chance', async () => {
    const config = parse(readFileSync(join(CONFIGS, 'shapes.yaml'), 'utf8'));
    config.data.imageSize = 64;
    config.data.shapes.splits = { train: 480, test: 96 };
    config.model.trunk.options = { width: 16, depth: 1, stages: 3, neckChannels: 32 };
    config.train.epochs = 4;
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
    expect(m.tasks.detection!.map50).toBeGreaterThan(0.5);
    expect(m.tasks.segmentation!.miou).toBeGreaterThan(0.6);
  }, 300_000);
});
