import { createModel, evaluate, RunConfig, selectBackend, Trainer } from '@polytask/core';
import { tensorGrowth } from '@polytask/core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { visionDomain } from './adapter.js';

beforeAll(async () => {
  await selectBackend({ log: () => {} });
});

/** Eight 64×64 shapes images, trained and scored as they are (no augmentation): a model must memorise them. */
const config = RunConfig.parse({
  seed: 3,
  data: { format: 'shapes', imageSize: 64, augment: false, shapes: { seed: 5, splits: { train: 8 }, minObjects: 1, maxObjects: 3 } },
  tasks: [
    { name: 'detection', type: 'detection' },
    { name: 'segmentation', type: 'segmentation' },
  ],
  model: { trunk: { type: 'vision-backbone', options: { width: 16, depth: 1, stages: 3, neckChannels: 32 } } },
  train: { epochs: 100, batchSize: 8, evalBatchSize: 8, optimizer: { name: 'adam', lr: 0.005 } },
});

describe('a detection + segmentation model on shapes', () => {
  it('overfits a handful of images: boxes and masks are learned', async () => {
    const data = await visionDomain.loadData(config, { configDir: '.' });
    const train = data.splits.train!;
    const model = createModel({ ...config.model, seed: config.seed }, data.tasks, train.spec);
    const started = performance.now();
    await new Trainer(model, { train: config.train, seed: config.seed, progress: false }).fit(train);
    const seconds = (performance.now() - started) / 1000;
    const ev = await evaluate(model, train, { batchSize: 8 });
    console.log(JSON.stringify({ seconds, tasks: ev.tasks }));
    expect(ev.tasks.detection!.map50).toBeGreaterThan(0.9);
    expect(ev.tasks.segmentation!.miou).toBeGreaterThan(0.85);
    // evaluation holds no tensor once done
    expect(await tensorGrowth(() => evaluate(model, train, { batchSize: 8 }).then(() => {}), 1)).toBe(0);
    model.dispose();
  });

  for (const [name, gradientMode] of [
    ['PCGrad', 'parameters'],
    ['MGDA', 'representation'],
    ['UW', undefined],
  ] as const) {
    it(`trains under ${name}${gradientMode ? ` (${gradientMode} gradients)` : ''}: the task spec is independent of the weighting`, async () => {
      const small = { ...config, train: { ...config.train, epochs: 1, weighting: { name, options: {} }, gradientMode } };
      const data = await visionDomain.loadData(small, { configDir: '.' });
      const train = data.splits.train!;
      const model = createModel({ ...small.model, seed: small.seed }, data.tasks, train.spec);
      const fit = await new Trainer(model, { train: small.train, seed: small.seed, progress: false }).fit(train);
      expect(fit.steps).toBe(1);
      expect(fit.skippedSteps).toBe(0);
      model.dispose();
    });
  }
});
