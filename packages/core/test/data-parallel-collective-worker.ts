// One rank of `data-parallel-collective.test.ts`: a worker thread running a JointStep through `DataParallel` over a
// shared-memory `Collective` (the interface @polytask/mpi implements over MPI), on its share of an uneven batch.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import {
  type Collective,
  createModel,
  createTask,
  DataParallel,
  type GradientMode,
  JointStep,
  localReducer,
  Optimizer,
  OptimizerConfig,
  Rng,
  twoTaskProblem,
  weightingRegistry,
} from '../src/index.js';

/** Floats each rank may publish at once. */
const SLOT = 1 << 16;
export const sharedBytes = (size: number) => 8 + size * (SLOT + 1) * 8;

/** Collectives through `shared`: [count, generation] barrier words, then per rank a length and a float64 slot. */
export function sharedMemoryCollective(rank: number, size: number, shared: SharedArrayBuffer): Collective {
  const control = new Int32Array(shared, 0, 2);
  const slots = new Float64Array(shared, 8, size * (SLOT + 1));
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
  const publish = (values: ArrayLike<number>) => {
    if (values.length > SLOT) throw new Error(`slot holds ${SLOT} values, got ${values.length}`);
    slots[rank * (SLOT + 1)] = values.length;
    slots.set(values, rank * (SLOT + 1) + 1);
    barrier();
  };
  const slot = (r: number) => slots.subarray(r * (SLOT + 1) + 1, r * (SLOT + 1) + 1 + slots[r * (SLOT + 1)]!);
  return {
    rank,
    size,
    allreduceSum: (values) => {
      publish(values);
      const sum = new Float64Array(values.length);
      for (let r = 0; r < size; r++) for (const [i, v] of slot(r).entries()) sum[i]! += v;
      barrier(); // nobody overwrites a slot before every rank has read it
      values.set(sum);
      return values;
    },
    allgather: (values) => {
      publish(values);
      const all = Float32Array.from(Array.from({ length: size }, (_, r) => Array.from(slot(r))).flat());
      barrier();
      return all;
    },
    broadcast: (values, root) => {
      publish(rank === root ? values : []);
      const from = slot(root);
      barrier();
      values.set(from);
      return values;
    },
  };
}

export interface RankData {
  rank: number;
  size: number;
  shared: SharedArrayBuffer;
  weighting: string;
  mode?: GradientMode;
  batch: number;
}

/** Rank `rank`'s samples of the batch 0..batch-1: every size-th from rank (the trainer's shard of a global batch). */
export const shardOf = (batch: number, rank: number, size: number) =>
  Array.from({ length: batch }, (_, i) => i).filter((i) => i % size === rank);

/**
 * Three Adam steps of a two-task MMoE with task b partly unlabelled: every parameter after them, and the live tensor
 * count after steps 2 and 3 (flat: nothing leaks per step).
 */
export function steps(
  indices: number[],
  weightingName: string,
  mode: GradientMode | undefined,
  dp?: DataParallel,
): { after: Float32Array; tensors: number[] } {
  const data = twoTaskProblem({ samples: 64, seed: 5, missingB: 0.4 });
  const tasks = [createTask({ name: 'a', type: 'binary' }), createTask({ name: 'b', type: 'regression' })];
  const model = createModel(
    { trunk: { type: 'mlp', options: { units: [6] } }, architecture: { type: 'mmoe', options: { experts: 2, expertUnits: [5] } }, seed: 3 },
    tasks,
    data.spec,
  );
  const weighting = weightingRegistry.get(weightingName)({}, { tasks: ['a', 'b'], seed: 0 });
  const optimizer = new Optimizer(
    [...model.trainableParameters(), ...weighting.parameters()],
    OptimizerConfig.parse({ name: 'adam', lr: 0.05 }),
  );
  const step = dp
    ? new JointStep(model, dp.wrapTasks(model.tasks), dp.wrapWeighting(weighting), optimizer, dp.reducer, mode)
    : new JointStep(model, model.tasks, weighting, optimizer, localReducer, mode);
  const tensors: number[] = [];
  for (let s = 0; s < 3; s++) {
    const batch = data.gather(indices);
    step.run(batch, {
      lr: 0.05,
      clipNorm: 1,
      monitorCosines: s === 0,
      seed: 1 + s,
      weighting: { step: s, epoch: 0, tasks: ['a', 'b'], rng: new Rng(9 + s) },
    });
    tf.dispose([...Object.values(batch.inputs), ...Object.values(batch.labels), ...Object.values(batch.masks)]);
    if (s > 0) tensors.push(tf.memory().numTensors);
  }
  const after = new Float32Array([...model.layout.read(), ...weighting.parameters().flatMap((p) => Array.from(p.variable.dataSync()))]);
  model.dispose();
  optimizer.dispose();
  weighting.dispose?.();
  return { after, tensors };
}

if (parentPort && workerData) {
  const d = workerData as RankData;
  await tf.setBackend('cpu');
  const dp = new DataParallel(sharedMemoryCollective(d.rank, d.size, d.shared));
  parentPort.postMessage(steps(shardOf(d.batch, d.rank, d.size), d.weighting, d.mode, dp));
}
