import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Dataset } from '../data/dataset.js';
import { resolveFolder } from '../io/atomic.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import type { Parameter } from '../nn/module.js';
import { keptPositions, type TaskSpec, type TaskTargets } from '../tasks/task-spec.js';
import { UsageError } from '../util/errors.js';
import type { GradientWeighting, Weighting, WeightingContext } from '../weighting/weighting.js';
import { type Collective, collectiveReducer } from './collective.js';
import type { Reducer } from './reducer.js';

/** Where one rank is in the epoch (checkpointed for every rank). */
export interface RankPosition {
  readonly rank: number;
  /** The rank reads every `worldSize`-th sample of the epoch's order, starting at `rank`. */
  readonly worldSize: number;
  /** Samples of its shard already trained in this epoch. */
  readonly samples: number;
}

/**
 * Synchronous data parallelism over a `Collective` with one-process semantics: `train.batchSize` is the global batch,
 * rank k trains on the samples of each global batch at positions ≡ k (mod N), and every step ends where one process
 * with the whole batch ends, for every weighting and gradient mode:
 * - each task loss is reweighted by the rank's share of the task's labelled samples (N·c_k / C) and carries the
 *   global loss value (straight-through), so averaged gradients are the full-batch gradients even with masks or an
 *   uneven last batch, and weightings that are nonlinear in the losses see the global losses;
 * - in representation mode the per-task representation gradients (and the representation) of all ranks are gathered,
 *   the weighting combines the whole batch's matrix, and each rank continues its backward with its own columns;
 * - rank 0's parameters are broadcast at the start; non-trainable state (BatchNorm running statistics) is averaged
 *   before validation and checkpoints.
 */
export class DataParallel {
  readonly reducer: Reducer;
  readonly rank: number;
  readonly size: number;

  constructor(readonly collective: Collective) {
    this.reducer = collectiveReducer(collective);
    this.rank = collective.rank;
    this.size = collective.size;
  }

  /** This rank's share of a global batch. */
  localBatchSize(batchSize: number): number {
    if (batchSize % this.size !== 0) {
      throw new UsageError(`train.batchSize ${batchSize} is the global batch; it must be a multiple of the ${this.size} ranks`);
    }
    return batchSize / this.size;
  }

  shard(): { index: number; count: number } {
    return { index: this.rank, count: this.size };
  }

  /** Global batches per epoch; every rank must have a part of each (the last one too). */
  batchCount(train: Dataset, batchSize: number): number {
    const global = train.batchCount({ batchSize });
    const local = train.batchCount({ batchSize: this.localBatchSize(batchSize), shard: this.shard() });
    const counts = this.collective.allreduceSum(Float64Array.from([local === global ? 0 : 1]));
    if (counts[0]! > 0) {
      const last = train.size - (global - 1) * batchSize;
      throw new UsageError(
        `the last batch of an epoch has ${last} samples, fewer than the ${this.size} ranks; change train.batchSize (${batchSize}) or the world size`,
      );
    }
    return global;
  }

  /** Every rank's data position for the checkpoint (each is a function of the global batch index). */
  positions(batchInEpoch: number, batchSize: number): RankPosition[] {
    const local = batchSize / this.size;
    return Array.from({ length: this.size }, (_, rank) => ({ rank, worldSize: this.size, samples: batchInEpoch * local }));
  }

  /** True on every rank when `flag` is true on any (a stop request must end the same step everywhere). */
  anyRank(flag: boolean): boolean {
    return this.collective.allreduceSum(Float64Array.from([flag ? 1 : 0]))[0]! > 0;
  }

  /** Rank 0's values of `parameters` on every rank. */
  broadcastParameters(parameters: readonly Parameter[]): void {
    for (const p of parameters) {
      assignValues(p, this.collective.broadcast(Float32Array.from(p.variable.dataSync()), 0));
    }
  }

  /** Mean over ranks of the model's non-trainable parameters (BatchNorm running mean and variance). */
  averageNonTrainable(model: MultiTaskModel): void {
    const state = model.layout.parameters.filter((p) => !p.trainable);
    if (state.length === 0) return;
    const sizes = state.map((p) => p.variable.size);
    const flat = new Float32Array(sizes.reduce((a, b) => a + b, 0));
    let o = 0;
    for (const p of state) {
      flat.set(p.variable.dataSync() as Float32Array, o);
      o += p.variable.size;
    }
    this.collective.allreduceSum(flat);
    o = 0;
    for (const p of state) {
      assignValues(
        p,
        flat.subarray(o, o + p.variable.size).map((v) => v / this.size),
      );
      o += p.variable.size;
    }
  }

  /**
   * Rank 0's checkpoint folder on every rank (no shared file system needed): rank 0 sends its files, the others
   * write them into a temporary folder. Returns the folder to load (undefined: no checkpoint) and its cleanup.
   */
  shareCheckpoint(dir: string | undefined): { dir: string | undefined; cleanup: () => void } {
    const source = this.rank === 0 && dir ? resolveFolder(dir) : undefined;
    const names = source ? readdirSync(source).sort() : [];
    const files = names.map((n) => readFileSync(join(source!, n)));
    const header = new TextEncoder().encode(JSON.stringify(names.map((n, i) => [n, files[i]!.byteLength])));
    const lengths = this.collective.broadcast(Float64Array.from([source ? header.byteLength : -1]), 0);
    if (lengths[0]! < 0) return { dir: undefined, cleanup: () => {} };
    const headerBytes = this.collective.broadcast(this.rank === 0 ? header : new Uint8Array(lengths[0]!), 0);
    const manifest = JSON.parse(new TextDecoder().decode(headerBytes)) as Array<[string, number]>;
    const target = this.rank === 0 ? source! : mkdtempSync(join(tmpdir(), 'polytask-resume-'));
    manifest.forEach(([name, bytes], i) => {
      const data = this.rank === 0 ? new Uint8Array(files[i]!.buffer, files[i]!.byteOffset, bytes) : new Uint8Array(bytes);
      for (let o = 0; o < bytes; o += 1 << 30) this.collective.broadcast(data.subarray(o, Math.min(bytes, o + (1 << 30))), 0);
      if (this.rank !== 0) {
        mkdirSync(target, { recursive: true });
        writeFileSync(join(target, name), data);
      }
    });
    return { dir: target, cleanup: () => this.rank !== 0 && rmSync(target, { recursive: true, force: true }) };
  }

  /** Tasks whose losses weight this rank's share and carry the global value (see the class comment). */
  wrapTasks(tasks: readonly TaskSpec[]): TaskSpec[] {
    return tasks.map((task) => {
      const loss = task.loss?.bind(task);
      if (!loss) return task;
      const globalLoss = (output: tf.Tensor, targets: TaskTargets): tf.Scalar => {
        const local = loss(output, targets);
        // Samples (or label positions) this rank's masked mean averages over. Labels a loss drops by value (the
        // ignore index) are not counted here: keep such positions out with the position mask for exact shares.
        const kept = targets.labels ? keptPositions(targets, targets.labels.shape) : targets.mask;
        const count = kept
          ? sumOf(kept)
          : targets.labels && targets.labels.rank >= 2 && targets.labels.size > targets.size
            ? targets.labels.size
            : targets.size;
        if (kept && kept !== targets.mask) kept.dispose();
        const sums = this.collective.allreduceSum(Float64Array.from([count * local.dataSync()[0]!, count]));
        const total = sums[1]!;
        const share = total > 0 ? (this.size * count) / total : 0;
        const value = total > 0 ? sums[0]! / total : 0;
        return straightThrough(tf.mul(local, share) as tf.Scalar, value);
      };
      return new Proxy(task, { get: (t, key) => (key === 'loss' ? globalLoss : bound(t, key)) });
    });
  }

  /** The weighting, combining the whole batch's representation gradients in representation mode. */
  wrapWeighting(weighting: Weighting): Weighting {
    if (weighting.kind !== 'gradient') return weighting;
    const combine = (grads: tf.Tensor2D, losses: number[], ctx: WeightingContext) =>
      ctx.representation ? this.combineGathered(weighting, grads, losses, ctx) : weighting.combineGradients(grads, losses, ctx);
    return new Proxy(weighting, { get: (w, key) => (key === 'combineGradients' ? combine : bound(w, key)) });
  }

  /**
   * Rows of the local [T, D_k] matrix are N × the full-batch rows at this rank's samples (the loss shares above).
   * Gather every rank's columns and representation, combine the whole batch, return N × this rank's columns.
   */
  private combineGathered(weighting: GradientWeighting, grads: tf.Tensor2D, losses: number[], ctx: WeightingContext) {
    const xs = ctx.representation!;
    const tasks = grads.shape[0];
    const batch = xs[0]!.shape[0]!;
    const features = xs.map((x) => x.size / Math.max(1, x.shape[0]!));
    const batches = Array.from(this.collective.allgather(Float32Array.from([batch])));
    const start = batches.slice(0, this.rank).reduce((a, b) => a + b, 0);
    const globalBatch = batches.reduce((a, b) => a + b, 0);
    // Per representation tensor: its T gradient rows, then its values (one packed vector per rank).
    const rows = grads.dataSync() as Float32Array;
    const localWidth = grads.shape[1];
    const perSample = features.reduce((a, f) => a + f * (tasks + 1), 0);
    const packed = new Float32Array(batch * perSample);
    let o = 0;
    let column = 0;
    xs.forEach((x, i) => {
      const width = batch * features[i]!;
      for (let t = 0; t < tasks; t++) {
        packed.set(rows.subarray(t * localWidth + column, t * localWidth + column + width), o);
        o += width;
      }
      packed.set(x.dataSync() as Float32Array, o);
      o += width;
      column += width;
    });
    const gathered = this.collective.allgather(packed);
    const globalWidth = globalBatch * features.reduce((a, f) => a + f, 0);
    const matrix = new Float32Array(tasks * globalWidth);
    const values = features.map((f) => new Float32Array(globalBatch * f));
    // Unpack rank by rank: tensor i of rank r lands at columns [colStart_i + before_r·f_i, …) of every row.
    let rankOffset = 0;
    let before = 0;
    for (const b of batches) {
      let p = rankOffset;
      let colStart = 0;
      features.forEach((f, i) => {
        const width = b * f;
        const at = colStart + before * f;
        for (let t = 0; t < tasks; t++) {
          const src = gathered.subarray(p, p + width);
          for (let j = 0; j < width; j++) matrix[t * globalWidth + at + j] = src[j]! / this.size;
          p += width;
        }
        values[i]!.set(gathered.subarray(p, p + width), before * f);
        p += width;
        colStart += globalBatch * f;
      });
      rankOffset += b * perSample;
      before += b;
    }
    return tf.tidy(() => {
      const representation = xs.map((x, i) => tf.tensor(values[i]!, [globalBatch, ...x.shape.slice(1)], 'float32'));
      const whole = tf.tensor2d(matrix, [tasks, globalWidth]);
      const combined = weighting.combineGradients(whole, losses, { ...ctx, representation });
      // This rank's columns of the combined direction, ×N: the parameter gradients they lead to are averaged.
      let colStart = 0;
      const mine = features.map((f) => {
        const part = tf.slice(combined.direction, [colStart + start * f], [batch * f]);
        colStart += globalBatch * f;
        return part;
      });
      const direction = tf.mul(mine.length === 1 ? mine[0]! : tf.concat(mine), this.size) as tf.Tensor1D;
      return { direction, weights: combined.weights };
    });
  }
}

function assignValues(p: Parameter, values: Float32Array): void {
  const t = tf.tensor(values, p.variable.shape, 'float32');
  p.variable.assign(t);
  t.dispose();
}

function sumOf(mask: tf.Tensor): number {
  const s = tf.sum(mask);
  const v = s.dataSync()[0]!;
  s.dispose();
  return v;
}

/** A property of `target` with methods bound to it (proxies forward everything but the replaced member). */
function bound(target: object, key: string | symbol): unknown {
  const value = Reflect.get(target, key, target);
  return typeof value === 'function' ? value.bind(target) : value;
}

/** `x` in the backward pass, `value` in the forward pass. */
function straightThrough(x: tf.Scalar, value: number): tf.Scalar {
  // biome-ignore lint/suspicious/noExplicitAny: tf.customGrad's typing cannot express (input, save)
  const op: any = (input: tf.Tensor, save: tf.GradSaveFunc) => {
    save([input]);
    return { value: tf.scalar(value), gradFunc: (dy: tf.Tensor) => [tf.mul(dy, tf.onesLike(input))] };
  };
  return (tf.customGrad(op) as unknown as (input: tf.Tensor) => tf.Scalar)(x);
}
