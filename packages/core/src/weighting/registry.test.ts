import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../util/rng.js';
import { type Weighting, weightingRegistry } from './index.js';
import { buildContext, randomMatrix, scalars, stepContext } from './test-support.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const EXPECTED: Record<string, { kind: 'loss' | 'gradient'; modes?: string[] }> = {
  EW: { kind: 'loss' },
  UW: { kind: 'loss' },
  DWA: { kind: 'loss' },
  GLS: { kind: 'loss' },
  RLW: { kind: 'loss' },
  FAMO: { kind: 'loss' },
  STCH: { kind: 'loss' },
  GradNorm: { kind: 'gradient', modes: ['parameters'] },
  DB_MTL: { kind: 'gradient', modes: ['parameters'] },
  'DB-MTL': { kind: 'gradient', modes: ['parameters'] },
  MGDA: { kind: 'gradient', modes: ['parameters', 'representation'] },
  'MGDA-UB': { kind: 'gradient', modes: ['representation'] },
  PCGrad: { kind: 'gradient', modes: ['parameters'] },
  GradVac: { kind: 'gradient', modes: ['parameters'] },
  GradDrop: { kind: 'gradient', modes: ['representation'] },
  CAGrad: { kind: 'gradient', modes: ['parameters'] },
  IMTL: { kind: 'gradient', modes: ['parameters', 'representation'] },
  Nash_MTL: { kind: 'gradient', modes: ['parameters'] },
  'Nash-MTL': { kind: 'gradient', modes: ['parameters'] },
  Aligned_MTL: { kind: 'gradient', modes: ['parameters', 'representation'] },
  'Aligned-MTL': { kind: 'gradient', modes: ['parameters', 'representation'] },
  UPGrad: { kind: 'gradient', modes: ['parameters'] },
};

/** Options that make the stateful paths run within a few steps. */
const FAST: Record<string, Record<string, unknown>> = {
  STCH: { warmupEpochs: 1 },
  GradNorm: { warmupEpochs: 0, lr: 0.05 },
  Nash_MTL: { updateWeightsEvery: 2 },
  'Nash-MTL': { updateWeightsEvery: 2 },
};

const T = 3;
const D = 17;

/** Runs one step (both kinds) and returns the numbers it produced; disposes every tensor it created. */
function runStep(w: Weighting, step: number, rng: Rng, dataRng: Rng): number[] {
  const epoch = Math.floor(step / 2);
  const ctx = stepContext(T, { step, epoch, rng });
  const lossValues = Array.from({ length: T }, () => 0.2 + dataRng.next());
  const out: number[] = [];
  if (w.kind === 'loss') {
    const losses = scalars(lossValues);
    const res = w.combineLosses(losses, ctx);
    out.push(res.total.dataSync()[0]!, ...res.weights);
    res.total.dispose();
    tf.dispose(losses);
    w.afterStep?.(ctx, lossValues, () => lossValues.map((l) => l * 0.9));
  } else {
    const losses = scalars(lossValues);
    if (w.transformLosses) {
      const tr = w.transformLosses(losses, ctx);
      out.push(...tr.map((t) => t.dataSync()[0]!));
      tf.dispose(tr);
    }
    tf.dispose(losses);
    const grads = tf.tensor2d(randomMatrix(dataRng, T, D));
    const res = w.combineGradients(grads, lossValues, ctx);
    expect(res.direction.shape).toEqual([D]);
    out.push(...res.direction.dataSync(), ...res.weights);
    res.direction.dispose();
    grads.dispose();
    w.afterStep?.(ctx, lossValues, () => lossValues.map((l) => l * 0.9));
  }
  if (step % 2 === 1) w.onEpochEnd?.(epoch, lossValues);
  return out;
}

describe('weighting registry', () => {
  it('registers every LibMTL name and alias with the right kind and modes', () => {
    for (const [name, exp] of Object.entries(EXPECTED)) {
      expect(weightingRegistry.has(name), name).toBe(true);
      const w = weightingRegistry.get(name)({}, buildContext(T));
      expect(w.kind, name).toBe(exp.kind);
      if (w.kind === 'gradient') expect([...w.modes], name).toEqual(exp.modes);
      w.dispose?.();
    }
  });

  it('rejects unknown options with a readable error and accepts snake_case names', () => {
    expect(() => weightingRegistry.get('CAGrad')({ cc: 1 }, buildContext(T))).toThrow(/CAGrad.*invalid options/);
    expect(() => weightingRegistry.get('DWA')({ T: -1 }, buildContext(T))).toThrow(/DWA/);
    expect(() => weightingRegistry.get('Nash_MTL')({ max_norm: 2, update_weights_every: 3 }, buildContext(T))).not.toThrow();
    expect(() => weightingRegistry.get('CAGrad')({ calpha: 0.4 }, buildContext(T))).not.toThrow();
    expect(() => weightingRegistry.get('MGDA')({ mgda_gn: 'l2' }, buildContext(T))).not.toThrow();
    expect(() => weightingRegistry.get('MGDA')({ normalization: 'bogus' }, buildContext(T))).toThrow(/MGDA/);
  });

  for (const name of Object.keys(EXPECTED)) {
    it(`${name}: no tensor leaks, and state round-trips through JSON`, () => {
      const options = FAST[name] ?? {};
      const a = weightingRegistry.get(name)(options, buildContext(T));
      const rng = new Rng(11);
      const dataRng = new Rng(5);
      runStep(a, 0, rng, dataRng); // first call may allocate persistent state (DB-MTL buffer)
      const before = tf.memory().numTensors;
      for (let s = 1; s < 6; s++) runStep(a, s, rng, dataRng);
      expect(tf.memory().numTensors).toBe(before);

      const state = JSON.parse(JSON.stringify(a.getState())) as unknown;
      const b = weightingRegistry.get(name)(options, buildContext(T, 99));
      b.setState(state);
      const rngA = new Rng(rng.getState());
      const rngB = new Rng(rng.getState());
      const dataA = new Rng(dataRng.getState());
      const dataB = new Rng(dataRng.getState());
      for (let s = 6; s < 9; s++) {
        const outA = runStep(a, s, rngA, dataA);
        const outB = runStep(b, s, rngB, dataB);
        expect(outB).toEqual(outA);
      }
      a.dispose?.();
      b.dispose?.();
    });
  }
});
