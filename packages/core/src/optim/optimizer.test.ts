import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimizerConfig, ScheduleConfig } from '../config/run-config.js';
import { createParameter } from '../nn/module.js';
import { clipByGlobalNorm } from './clip.js';
import { Optimizer } from './optimizer.js';
import { learningRate } from './schedule.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('Optimizer', () => {
  it('Adam matches the textbook update for two steps', () => {
    const p = createParameter('w', tf.tensor1d([1, -2]));
    const opt = new Optimizer([p], OptimizerConfig.parse({ name: 'adam', lr: 0.1 }));
    const grads = [
      [0.5, -1],
      [0.25, 2],
    ];
    let m = [0, 0];
    let s = [0, 0];
    let w = [1, -2];
    grads.forEach((g, k) => {
      const t = k + 1;
      m = m.map((mi, i) => 0.9 * mi + 0.1 * g[i]!);
      s = s.map((si, i) => 0.999 * si + 0.001 * g[i]! ** 2);
      w = w.map((wi, i) => wi - (0.1 * (m[i]! / (1 - 0.9 ** t))) / (Math.sqrt(s[i]! / (1 - 0.999 ** t)) + 1e-8));
      const gt = tf.tensor1d(g);
      opt.apply([gt], 0.1);
      gt.dispose();
    });
    const got = p.variable.dataSync();
    expect(got[0]).toBeCloseTo(w[0]!, 5);
    expect(got[1]).toBeCloseTo(w[1]!, 5);
  });

  it('SGD with momentum and state round trip', () => {
    const p = createParameter('w', tf.tensor1d([1]));
    const opt = new Optimizer([p], OptimizerConfig.parse({ name: 'sgd', lr: 0.1, momentum: 0.5 }));
    const g = tf.tensor1d([1]);
    opt.apply([g], 0.1); // v=1, w=0.9
    const state = opt.getState();
    opt.apply([g], 0.1); // v=1.5, w=0.75
    expect(p.variable.dataSync()[0]).toBeCloseTo(0.75, 6);
    opt.setState(state);
    p.variable.assign(tf.tensor1d([0.9]));
    opt.apply([g], 0.1);
    expect(p.variable.dataSync()[0]).toBeCloseTo(0.75, 6);
  });

  it('AdamW decays weights decoupled from the gradient', () => {
    const p = createParameter('w', tf.tensor1d([2]));
    const opt = new Optimizer([p], OptimizerConfig.parse({ name: 'adamw', lr: 0.1, weightDecay: 0.5 }));
    opt.apply([tf.tensor1d([0])], 0.1); // zero gradient: only decay, 2 − 0.1·0.5·2
    expect(p.variable.dataSync()[0]).toBeCloseTo(1.9, 6);
  });
});

describe('learning-rate schedules and clipping', () => {
  it('warm-up, step and cosine', () => {
    const base = 1;
    expect(learningRate(base, ScheduleConfig.parse({ warmupSteps: 4 }), { step: 1, epoch: 0, totalSteps: 10 })).toBeCloseTo(0.5);
    expect(
      learningRate(base, ScheduleConfig.parse({ name: 'step', stepEpochs: 2, gamma: 0.1 }), { step: 50, epoch: 5, totalSteps: 100 }),
    ).toBeCloseTo(0.01);
    const cos = ScheduleConfig.parse({ name: 'cosine' });
    expect(learningRate(base, cos, { step: 0, epoch: 0, totalSteps: 100 })).toBeCloseTo(1);
    expect(learningRate(base, cos, { step: 50, epoch: 0, totalSteps: 100 })).toBeCloseTo(0.5);
    expect(learningRate(base, cos, { step: 100, epoch: 0, totalSteps: 100 })).toBeCloseTo(0);
  });

  it('clips by the joint norm', () => {
    const { grads, norm } = clipByGlobalNorm([tf.tensor1d([3]), undefined, tf.tensor1d([4])], 1);
    expect(norm).toBeCloseTo(5);
    expect(grads[0]!.dataSync()[0]).toBeCloseTo(0.6);
    expect(grads[1]).toBeUndefined();
    expect(grads[2]!.dataSync()[0]).toBeCloseTo(0.8);
  });
});
