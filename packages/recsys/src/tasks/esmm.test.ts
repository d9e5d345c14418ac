import {
  aucFromScores,
  type Column,
  createModel,
  InMemoryDataset,
  type MultiTaskModel,
  selectBackend,
  TrainConfig,
  Trainer,
  taskHeads,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FeaturePipeline } from '../features/pipeline.js';
import type { FeatureConfigInput } from '../features/schema.js';
import { type SyntheticImpression, syntheticImpressions } from '../synthetic/impressions.js';
import { buildTasks, esmmCtcvrTask } from './esmm.js';

beforeAll(async () => {
  await selectBackend({});
});

const FEATURES: FeatureConfigInput[] = [
  { name: 'user', type: 'categorical' },
  { name: 'item', type: 'categorical' },
  { name: 'category', type: 'categorical' },
  { name: 'd1', type: 'numeric' },
  { name: 'd2', type: 'numeric' },
];

function toDataset(pipeline: FeaturePipeline, rows: readonly SyntheticImpression[]): InMemoryDataset {
  const enc = pipeline.createEncoder(rows.length);
  rows.forEach((r, i) => {
    enc.push((c) => r[c as keyof SyntheticImpression], { file: 'synthetic', line: i + 1 });
  });
  const col = (f: (r: SyntheticImpression) => number): Column => ({ data: Float32Array.from(rows, f), shape: [] });
  return new InMemoryDataset({
    inputs: enc.build(),
    labels: { ctr: col((r) => r.click), cvr: col((r) => r.purchase), ctcvr: col((r) => r.purchase) },
    masks: { cvr: Float32Array.from(rows, (r) => r.click) },
    meta: pipeline.meta(),
  });
}

/** pCVR of every sample (all impressions, clicked or not). */
function predictCvr(model: MultiTaskModel, data: InMemoryDataset): Float32Array {
  const out = new Float32Array(data.size);
  let o = 0;
  for (const batch of data.batches({ batchSize: 4096 })) {
    const p = model.predict(batch.inputs);
    out.set(p.cvr!.dataSync(), o);
    o += batch.size;
    tf.dispose([...Object.values(batch.inputs), ...Object.values(batch.labels), ...Object.values(batch.masks), ...Object.values(p)]);
  }
  return out;
}

/** AUC of scores against the ground-truth "would convert if clicked" of every impression. */
function entireSpaceAuc(scores: Float32Array, rows: readonly SyntheticImpression[]): number {
  const pos = scores.filter((_, i) => rows[i]!.convert === 1);
  const neg = scores.filter((_, i) => rows[i]!.convert === 0);
  return aucFromScores(pos, neg);
}

const MODEL = {
  trunk: { type: 'embedding', options: { embeddingDim: 8 } },
  architecture: { type: 'hard', options: { units: [32] } },
  seed: 3,
};
const HEAD = { type: 'mlp', options: { units: [16] } };

describe('ESMM tasks', () => {
  it('pCTCVR = sigmoid(ctr logit) · sigmoid(cvr logit); the loss is BCE on that probability; CVR has no loss', () => {
    const [ctr, cvr, ctcvr] = buildTasks([
      { name: 'ctr', type: 'binary' },
      { name: 'cvr', type: 'esmm-cvr' },
      { name: 'ctcvr', type: 'esmm-ctcvr' },
    ]);
    expect(ctr!.loss).toBeDefined();
    expect(cvr!.loss).toBeUndefined();
    expect(cvr!.head).toBeDefined();
    expect(ctcvr!.head).toBeUndefined();
    expect(taskHeads(ctcvr!)).toEqual(['ctr', 'cvr']);
    const p = ctcvr!.combine!([tf.tensor2d([[0], [2]]), tf.tensor2d([[1], [-1]])]);
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const expected = [s(0) * s(1), s(2) * s(-1)];
    const values = Array.from(p.dataSync());
    expect(values[0]).toBeCloseTo(expected[0]!, 6);
    expect(values[1]).toBeCloseTo(expected[1]!, 6);
    const loss = ctcvr!.loss!(p, { labels: tf.tensor1d([1, 0]), size: 2 }).dataSync()[0]!;
    expect(loss).toBeCloseTo((-Math.log(expected[0]!) - Math.log(1 - expected[1]!)) / 2, 5);
    expect(Array.from(ctcvr!.activate(p).dataSync())).toEqual(values);
    expect(
      taskHeads(esmmCtcvrTask({ name: 'x', type: 'esmm-ctcvr', head: { type: 'mlp', options: {} } }, { ctr: 'click', cvr: 'buy' })),
    ).toEqual(['click', 'buy']);
    // recsys defaults: AUC + logloss, GAUC when a user column is configured
    expect(ctr!.createMetrics().map((m) => m.name)).toEqual(['auc', 'logloss']);
    expect(
      buildTasks([{ name: 'ctr' }], { user: true })[0]!
        .createMetrics()
        .map((m) => m.name),
    ).toEqual(['auc', 'logloss', 'gauc']);
  });

  it('ESMM beats a CVR model trained on clicked impressions only, over all impressions (sample-selection bias)', async () => {
    const train = syntheticImpressions({ samples: 30_000, seed: 1 }).rows;
    const test = syntheticImpressions({ samples: 10_000, seed: 2 }).rows;
    const fitter = FeaturePipeline.fitter(FEATURES);
    train.forEach((r, i) => {
      fitter.add((c) => r[c as keyof SyntheticImpression], { file: 'synthetic', line: i + 1 });
    });
    const pipeline = fitter.finish();
    const trainSet = toDataset(pipeline, train);
    const testSet = toDataset(pipeline, test);
    const clickRate = train.reduce((a, r) => a + r.click, 0) / train.length;
    expect(clickRate).toBeGreaterThan(0.15);
    expect(clickRate).toBeLessThan(0.45);
    const cfg = TrainConfig.parse({ epochs: 4, batchSize: 256, optimizer: { lr: 0.005 }, gradientCosineEvery: 0 });

    // ESMM: CTR and CTCVR over all impressions; CVR only through the product
    const esmm = createModel(
      MODEL,
      buildTasks([
        { name: 'ctr', type: 'binary', head: HEAD },
        { name: 'cvr', type: 'esmm-cvr', head: HEAD },
        { name: 'ctcvr', type: 'esmm-ctcvr' },
      ]),
      trainSet.spec,
    );
    await new Trainer(esmm, { train: cfg, seed: 5, progress: false }).fit(trainSet);

    // BASE: a CVR model trained on clicked impressions only (the label's mask is the click)
    const base = createModel(MODEL, buildTasks([{ name: 'cvr', type: 'binary', head: HEAD }]), trainSet.spec);
    await new Trainer(base, { train: cfg, seed: 5, progress: false }).fit(trainSet);

    const esmmAuc = entireSpaceAuc(predictCvr(esmm, testSet), test);
    const baseAuc = entireSpaceAuc(predictCvr(base, testSet), test);
    const oracle = entireSpaceAuc(
      Float32Array.from(test, (r) => r.pCvr),
      test,
    );
    console.log(`entire-space CVR AUC: ESMM ${esmmAuc.toFixed(4)}, clicked-only ${baseAuc.toFixed(4)}, true pCVR ${oracle.toFixed(4)}`);
    expect(esmmAuc).toBeGreaterThan(baseAuc + 0.03);
    expect(esmmAuc).toBeLessThanOrEqual(oracle + 0.01);
    esmm.dispose();
    base.dispose();
  }, 120_000);
});
