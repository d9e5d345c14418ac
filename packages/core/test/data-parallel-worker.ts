// One rank of a data-parallel JointStep for `data-parallel.test.ts`: a worker thread training on its shard of the
// batch, with a Reducer that averages over ranks through shared memory (the same calls an MPI all-reduce will get).
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import {
  createModel,
  createTask,
  type GradientMode,
  JointStep,
  Optimizer,
  OptimizerConfig,
  type Reducer,
  Rng,
  twoTaskProblem,
  weightingRegistry,
} from '../src/index.js';
import { summedGradients } from '../src/testing/index.js';

export interface RankData {
  rank: number;
  size: number;
  shared: SharedArrayBuffer;
  weighting: string;
  mode?: GradientMode;
  samplesPerRank: number;
}

/** Floats each rank may publish at once (the largest per-task gradient matrix of the test model is far below). */
export const SLOT = 1 << 16;

/** Mean over ranks through `shared`: [count, generation] barrier words, then one float64 slot per rank. */
export function sharedMemoryReducer(rank: number, size: number, shared: SharedArrayBuffer): Reducer {
  const control = new Int32Array(shared, 0, 2);
  const slots = new Float64Array(shared, 8, size * SLOT);
  const barrier = () => {
    const generation = Atomics.load(control, 1);
    if (Atomics.add(control, 0, 1) === size - 1) {
      Atomics.store(control, 0, 0);
      Atomics.add(control, 1, 1);
      Atomics.notify(control, 1);
    } else {
      while (Atomics.load(control, 1) === generation) Atomics.wait(control, 1, generation);
    }
  };
  const allMean = (values: ArrayLike<number>): Float64Array => {
    if (values.length > SLOT) throw new Error(`reducer slot holds ${SLOT} values, got ${values.length}`);
    slots.set(values, rank * SLOT);
    barrier();
    const mean = new Float64Array(values.length);
    for (let r = 0; r < size; r++) for (let i = 0; i < values.length; i++) mean[i]! += slots[r * SLOT + i]! / size;
    barrier(); // nobody overwrites a slot before every rank has read it
    return mean;
  };
  return {
    rank,
    size,
    reduceLosses: (losses) => Array.from(allMean(losses)),
    reduceGradients: <T extends tf.Tensor>(g: T) => tf.tensor(Float32Array.from(allMean(g.dataSync())), g.shape) as T,
  };
}

/** One SGD step of the shared test model on `indices` of the test data; every parameter before and after. */
export function stepOnce(
  indices: number[],
  weightingName: string,
  mode: GradientMode | undefined,
  reducer: Reducer,
): { before: Float32Array; after: Float32Array } {
  const data = twoTaskProblem({ samples: 64, seed: 5 });
  const tasks = [createTask({ name: 'a', type: 'binary' }), createTask({ name: 'b', type: 'regression' })];
  const model = createModel(
    { trunk: { type: 'mlp', options: { units: [6] } }, architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [5] } }, seed: 3 },
    tasks,
    data.spec,
  );
  const weighting = weightingName === 'sum' ? summedGradients : weightingRegistry.get(weightingName)({}, { tasks: ['a', 'b'], seed: 0 });
  const optimizer = new Optimizer(model.trainableParameters(), OptimizerConfig.parse({ name: 'sgd', momentum: 0, lr: 0.5 }));
  const step = new JointStep(model, model.tasks, weighting, optimizer, reducer, mode);
  const batch = data.gather(indices);
  const before = model.layout.read();
  step.run(batch, {
    lr: 0.5,
    clipNorm: 0,
    monitorCosines: true,
    seed: 1,
    weighting: { step: 0, epoch: 0, tasks: ['a', 'b'], rng: new Rng(9) },
  });
  const after = model.layout.read();
  model.dispose();
  optimizer.dispose();
  return { before, after };
}

if (parentPort && workerData) {
  const d = workerData as RankData;
  await tf.setBackend('cpu');
  const indices = Array.from({ length: d.samplesPerRank }, (_, i) => d.rank * d.samplesPerRank + i);
  const { after } = stepOnce(indices, d.weighting, d.mode, sharedMemoryReducer(d.rank, d.size, d.shared));
  parentPort.postMessage(after);
}
