import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OptimizerConfig } from '../config/run-config.js';
import { createModel } from '../model/multi-task-model.js';
import { Optimizer } from '../optim/optimizer.js';
import { twoTaskProblem } from '../synthetic/two-task.js';
import { createTask } from '../tasks/task-kinds.js';
import { summedGradients, tensorGrowth } from '../testing/index.js';
import { Rng } from '../util/rng.js';
import { createEw } from '../weighting/ew.js';
import { createGradVac } from '../weighting/gradvac.js';
import type { GradientWeighting, Weighting } from '../weighting/weighting.js';
import { JointStep } from './joint-step.js';
import { localReducer } from './reducer.js';
import '../metrics/index.js';
import '../arch/index.js';
import '../trunk/index.js';
import '../heads/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function setup(arch: string, weighting: Weighting, mode?: 'parameters' | 'representation') {
  const data = twoTaskProblem({ samples: 64, missingB: 0.3 });
  const tasks = [createTask({ name: 'a', type: 'binary' }), createTask({ name: 'b', type: 'regression' })];
  const options = arch === 'mmoe' ? { experts: 2, expertUnits: [6] } : arch === 'ple' ? { levels: 2, expertUnits: [6] } : { units: [6] };
  const model = createModel(
    { trunk: { type: 'mlp', options: { units: [5] } }, architecture: { type: arch, options }, seed: 3 },
    tasks,
    data.spec,
  );
  const optimizer = new Optimizer(model.trainableParameters(), OptimizerConfig.parse({ name: 'sgd', momentum: 0, lr: 1 }));
  const step = new JointStep(model, model.tasks, weighting, optimizer, localReducer, mode);
  const batch = data.gather(Array.from({ length: 32 }, (_, i) => i));
  return { model, step, batch };
}

const stepOptions = (monitorCosines = false) => ({
  lr: 0.1,
  clipNorm: 0,
  monitorCosines,
  seed: 5,
  weighting: { step: 0, epoch: 0, tasks: ['a', 'b'], rng: new Rng(1) },
});

describe('JointStep', () => {
  it('hands the weighting the representation whose gradients form the matrix columns (representation mode)', () => {
    const seen: Array<{ columns: number; sizes: number[]; batches: number[] }> = [];
    const spy: GradientWeighting = {
      ...summedGradients,
      combineGradients: (g, losses, ctx) => {
        const reps = ctx.representation ?? [];
        seen.push({ columns: g.shape[1], sizes: reps.map((r) => r.size), batches: reps.map((r) => r.shape[0]!) });
        return summedGradients.combineGradients(g, losses, ctx);
      },
    };
    for (const arch of ['hard', 'mmoe', 'ple']) {
      const { model, step, batch } = setup(arch, spy, 'representation');
      step.run(batch, stepOptions());
      model.dispose();
    }
    expect(seen).toHaveLength(3);
    for (const s of seen) {
      expect(s.sizes.length).toBeGreaterThan(0);
      expect(s.sizes.reduce((a, b) => a + b, 0)).toBe(s.columns);
      expect(s.batches.every((b) => b === 32)).toBe(true);
    }
  });

  it('hands the weighting the shared parameter segments in parameter mode (GradVac per layer)', () => {
    const gradVac = createGradVac({ groupType: 1 }, { tasks: ['a', 'b'], seed: 0 });
    const { model, step, batch } = setup('mmoe', gradVac, 'parameters');
    const r = step.run(batch, stepOptions());
    expect(r.weights).toHaveLength(2);
    // one group per shared layer (trunk dense, each expert's dense layers, gates belong to the tasks)
    const layers = new Set(model.sharedLayout.parameters.map((p) => p.name.slice(0, p.name.lastIndexOf('/'))));
    expect((gradVac.getState() as { rho: unknown[] }).rho).toHaveLength(layers.size);
    expect(layers.size).toBeGreaterThan(1);
    model.dispose();
  });

  it('refuses representation mode when nothing shared lies below the representation', () => {
    const data = twoTaskProblem({ samples: 8 });
    const tasks = [createTask({ name: 'a', type: 'binary' }), createTask({ name: 'b', type: 'regression' })];
    const model = createModel({ trunk: { type: 'identity' }, architecture: { type: 'hard' }, seed: 1 }, tasks, data.spec);
    const optimizer = new Optimizer(model.trainableParameters(), OptimizerConfig.parse({}));
    expect(() => new JointStep(model, model.tasks, summedGradients, optimizer, localReducer, 'representation')).toThrow(/use "parameters"/);
    optimizer.dispose();
    model.dispose();
  });

  for (const arch of ['hard', 'mmoe', 'ple', 'cross-stitch']) {
    it(`${arch}: summed per-task gradients (parameter and representation mode) equal EW's update`, () => {
      const results = (['loss', 'parameters', 'representation'] as const).map((mode) => {
        const { model, step, batch } = setup(
          arch,
          mode === 'loss' ? createEw({}, { tasks: ['a', 'b'], seed: 0 }) : summedGradients,
          mode === 'loss' ? undefined : mode,
        );
        const r = step.run(batch, stepOptions());
        const after = model.layout.read();
        model.dispose();
        return { losses: r.losses, after };
      });
      const [ew, param, rep] = results;
      for (const other of [param!, rep!]) {
        expect(other.losses[0]).toBeCloseTo(ew!.losses[0]!, 5);
        expect(other.losses[1]).toBeCloseTo(ew!.losses[1]!, 5);
        let worst = 0;
        for (let i = 0; i < ew!.after.length; i++) worst = Math.max(worst, Math.abs(ew!.after[i]! - other.after[i]!));
        expect(worst).toBeLessThan(1e-5);
      }
    });
  }

  it('head parameters receive only their own task gradient, whatever the shared combination', () => {
    // A method that keeps only task a's row on the shared part: heads must move exactly as under EW.
    const onlyA: GradientWeighting = {
      ...summedGradients,
      combineGradients: (g) => ({ direction: tf.tidy(() => g.slice([0, 0], [1, -1]).reshape([-1])) as tf.Tensor1D, weights: [1, 0] }),
    };
    const run = (w: Weighting) => {
      const { model, step, batch } = setup('hard', w);
      step.run(batch, stepOptions());
      const heads = ['a', 'b'].map((t) => model.taskLayouts.get(t)!.read());
      const shared = model.sharedLayout.read();
      model.dispose();
      return { heads, shared };
    };
    const ew = run(createEw({}, { tasks: ['a', 'b'], seed: 0 }));
    const a = run(onlyA);
    for (const t of [0, 1]) {
      for (const [i, v] of ew.heads[t]!.entries()) expect(a.heads[t]![i]).toBeCloseTo(v, 6);
    }
    expect(a.shared.some((v, i) => Math.abs(v - ew.shared[i]!) > 1e-6)).toBe(true);
  });

  it('reports the same pairwise cosines of task gradients on the shared parameters in every mode', () => {
    const cosines = (['loss', 'parameters', 'representation'] as const).map((mode) => {
      const weighting = mode === 'loss' ? createEw({}, { tasks: ['a', 'b'], seed: 0 }) : summedGradients;
      const { model, step, batch } = setup('hard', weighting, mode === 'loss' ? undefined : mode);
      const r = step.run(batch, stepOptions(true));
      model.dispose();
      return r.cosines!;
    });
    const [c] = cosines;
    expect(c).toHaveLength(2);
    expect(c![0]![0]).toBeCloseTo(1, 5);
    expect(c![0]![1]).toBeCloseTo(c![1]![0]!, 6);
    expect(Math.abs(c![0]![1]!)).toBeLessThanOrEqual(1);
    for (const other of cosines.slice(1)) expect(other[0]![1]).toBeCloseTo(c![0]![1]!, 5);
  });

  for (const mode of ['loss', 'parameters', 'representation'] as const) {
    it(`does not leak tensors across steps (${mode})`, async () => {
      const { model, step, batch } = setup(
        'mmoe',
        mode === 'loss' ? createEw({}, { tasks: ['a', 'b'], seed: 0 }) : summedGradients,
        mode === 'loss' ? undefined : mode,
      );
      const growth = await tensorGrowth(() => {
        step.run(batch, stepOptions(true));
      });
      expect(growth).toBe(0);
      model.dispose();
    });
  }
});
