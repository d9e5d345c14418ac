import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from '../config/run-config.js';
import { type Dataset, disposeBatch } from '../data/dataset.js';
import { resolveFolder } from '../io/atomic.js';
import { loadCheckpoint, loadWeights, type ModelMeta, saveCheckpoint, saveModel, type TrainingState } from '../io/checkpoint.js';
import { type Direction, deltaMIfDefined } from '../metrics/index.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import { Optimizer } from '../optim/optimizer.js';
import { learningRate } from '../optim/schedule.js';
import { isSupervised, type TaskSpec } from '../tasks/task-spec.js';
import { logLevel } from '../util/log.js';
import { Rng } from '../util/rng.js';
import { type Weighting, weightingRegistry } from '../weighting/index.js';
import { History, type Logs, type TrainCallback } from './callbacks.js';
import { type Evaluation, evaluate } from './evaluate.js';
import { JointStep } from './joint-step.js';
import { ProgressLogger } from './progress.js';
import { localReducer, type Reducer } from './reducer.js';

export interface TrainerOptions {
  readonly train: TrainConfig;
  readonly seed: number;
  /** Folder for `checkpoint/`, `model/` (best) and `history.jsonl`. Without it nothing is written. */
  readonly outDir?: string;
  /** Continue from `outDir/checkpoint` when it exists. */
  readonly resume?: boolean;
  readonly callbacks?: readonly TrainCallback[];
  readonly reducer?: Reducer;
  /** Progress on stderr (bars on a TTY, lines otherwise); default true. */
  readonly progress?: boolean;
  /** Also checkpoint every N steps inside an epoch (0: at epoch ends only). */
  readonly checkpointEverySteps?: number;
  /** Written into saved model folders: run config, data preprocessing and data spec. */
  readonly modelMeta?: ModelMeta;
  /** Single-task baselines to compute Δm against, `baselines[task][metric]` (default: `train.baselines`). */
  readonly baselines?: Record<string, Record<string, number>>;
}

export interface FitResult {
  readonly history: History;
  readonly best: { epoch: number; score: number; monitor: string; evaluation?: Evaluation } | null;
  readonly epochs: number;
  readonly steps: number;
  /** True when stopped by `requestStop()` (state checkpointed for `--resume`). */
  readonly interrupted: boolean;
}

/**
 * The training loop (tfjs-layers' `model.fit` sums task losses and cannot weight them): seeded batches,
 * the joint step, validation each epoch, best-model selection, early stopping, LR schedule, checkpoints that
 * carry the data position, and a resume that replays the uninterrupted run exactly.
 */
export class Trainer {
  readonly tasks: readonly TaskSpec[];
  readonly weighting: Weighting;
  readonly optimizer: Optimizer;
  readonly jointStep: JointStep;
  readonly monitor: string;
  private monitorMode: Direction | undefined;
  private readonly rng: Rng;
  private stopRequested = false;
  /** Set by a callback to end training after the current epoch (tfjs-layers' `model.stopTraining`). */
  stopTraining = false;

  constructor(
    readonly model: MultiTaskModel,
    readonly options: TrainerOptions,
  ) {
    const cfg = options.train;
    const supervised = model.tasks.filter(isSupervised);
    if (cfg.singleTask !== undefined && !supervised.some((t) => t.name === cfg.singleTask)) {
      throw new Error(`singleTask "${cfg.singleTask}" is not a supervised task (tasks: ${supervised.map((t) => t.name).join(', ')})`);
    }
    this.tasks = cfg.singleTask !== undefined ? supervised.filter((t) => t.name === cfg.singleTask) : supervised;
    this.weighting = weightingRegistry.get(cfg.weighting.name)(cfg.weighting.options, {
      tasks: this.tasks.map((t) => t.name),
      seed: options.seed,
    });
    const trainable = [
      ...model.sharedLayout.parameters,
      ...this.tasks.flatMap((t) => model.taskLayouts.get(t.name)?.parameters ?? []),
      ...this.weighting.parameters(),
    ];
    this.optimizer = new Optimizer(trainable, cfg.optimizer);
    this.jointStep = new JointStep(model, this.tasks, this.weighting, this.optimizer, options.reducer ?? localReducer, cfg.gradientMode);
    this.rng = Rng.derive(options.seed, 0x77e1);
    const reported = cfg.singleTask !== undefined ? this.tasks : model.tasks;
    // A single-task baseline run from a multi-task config cannot monitor another task's metric: fall back.
    const configured = cfg.earlyStopping?.monitor;
    const usable = configured !== undefined && monitorCovers(configured, reported, cfg.singleTask !== undefined);
    this.monitor = usable ? configured : defaultMonitor(reported);
    this.monitorMode = usable ? cfg.earlyStopping?.mode : undefined;
  }

  /** Stop after the current batch and checkpoint the exact position (SIGINT handler of the CLI). */
  requestStop(): void {
    this.stopRequested = true;
  }

  async fit(train: Dataset, valid?: Dataset): Promise<FitResult> {
    const cfg = this.options.train;
    const out = this.options.outDir;
    if (out) mkdirSync(out, { recursive: true });
    const checkpointDir = out ? join(out, 'checkpoint') : undefined;
    const reducer = this.options.reducer ?? localReducer;
    const shard = reducer.size > 1 ? { index: reducer.rank, count: reducer.size } : undefined;
    const allBatches = train.batchCount({ batchSize: cfg.batchSize, shard });
    const batchesPerEpoch = cfg.batchesPerEpoch > 0 ? Math.min(cfg.batchesPerEpoch, allBatches) : allBatches;
    const totalSteps = batchesPerEpoch * cfg.epochs;
    const taskNames = this.tasks.map((t) => t.name);

    let state: Omit<TrainingState, 'optimizerSlots' | 'optimizerStep'> = {
      epoch: 0,
      batchInEpoch: 0,
      step: 0,
      rng: this.rng.getState(),
      weighting: null,
      best: null,
      epochsWithoutImprovement: 0,
      epochLossSums: taskNames.map(() => 0),
      epochLossCount: 0,
    };
    let bestWeights: Float32Array | undefined;
    if (this.options.resume && checkpointDir && resolveFolder(checkpointDir)) {
      const restored = loadCheckpoint(checkpointDir, this.model, this.optimizer);
      state = restored;
      this.rng.setState(restored.rng);
      this.weighting.setState(restored.weighting);
      truncateHistory(join(out!, 'history.jsonl'), restored.step, restored.epoch);
    } else if (out) {
      writeFileSync(join(out, 'history.jsonl'), '');
    }

    const history = new History();
    const callbacks: TrainCallback[] = [history, ...(this.options.callbacks ?? [])];
    if (this.options.progress !== false && logLevel() !== 'silent')
      callbacks.push(new ProgressLogger(taskNames, batchesPerEpoch, cfg.epochs));
    const emit = async (fn: (c: TrainCallback) => void | Promise<void> | undefined) => {
      for (const c of callbacks) await fn(c);
    };
    const historyLine = (record: Record<string, unknown>) => {
      if (out) appendFileSync(join(out, 'history.jsonl'), `${JSON.stringify(record)}\n`);
    };
    const checkpoint = () => {
      if (!checkpointDir) return;
      state.rng = this.rng.getState();
      state.weighting = this.weighting.getState();
      saveCheckpoint(checkpointDir, this.model, this.optimizer, state, this.options.modelMeta);
    };

    let bestEvaluation: Evaluation | undefined;
    let interrupted = false;
    await emit((c) => c.onTrainBegin?.());
    while (state.epoch < cfg.epochs && !this.stopTraining) {
      const epoch = state.epoch;
      await emit((c) => c.onEpochBegin?.(epoch));
      let b = state.batchInEpoch;
      const batches = train.batches({ batchSize: cfg.batchSize, shuffle: true, seed: this.options.seed, epoch, startBatch: b, shard });
      for (const batch of batches) {
        if (b >= batchesPerEpoch) {
          disposeBatch(batch);
          break;
        }
        const lr = learningRate(cfg.optimizer.lr, cfg.schedule, { step: state.step, epoch, totalSteps });
        const monitorCosines = cfg.gradientCosineEvery > 0 && state.step % cfg.gradientCosineEvery === 0;
        const result = this.jointStep.run(batch, {
          lr,
          clipNorm: cfg.clipNorm,
          monitorCosines,
          seed: Rng.derive(this.options.seed, 0xd20, state.step).nextUint32(),
          weighting: { step: state.step, epoch, tasks: taskNames, rng: this.rng },
        });
        disposeBatch(batch);
        const logs: Logs = { loss: result.losses.reduce((a, c) => a + c, 0), lr };
        taskNames.forEach((t, i) => {
          logs[`loss/${t}`] = result.losses[i]!;
          logs[`weight/${t}`] = result.weights[i]!;
          state.epochLossSums[i]! += result.losses[i]!;
        });
        state.epochLossCount += 1;
        const record: Record<string, unknown> = { type: 'step', step: state.step, epoch, ...logs };
        if (result.cosines) record.cosines = { tasks: taskNames, matrix: result.cosines.map((r) => r.map((v) => round(v))) };
        if (result.gradientNorm !== undefined) record.gradNorm = result.gradientNorm;
        historyLine(record);
        state.step += 1;
        b += 1;
        state.batchInEpoch = b;
        await emit((c) => c.onBatchEnd?.(b - 1, logs));
        if (this.options.checkpointEverySteps && state.step % this.options.checkpointEverySteps === 0) checkpoint();
        if (this.stopRequested) break;
        if (b % 20 === 0) await new Promise((r) => setImmediate(r)); // let signals and progress through
      }
      if (this.stopRequested) {
        checkpoint();
        interrupted = true;
        break;
      }
      const meanLosses = state.epochLossSums.map((s) => s / Math.max(1, state.epochLossCount));
      this.weighting.onEpochEnd?.(epoch, meanLosses);
      const logs: Logs = { loss: meanLosses.reduce((a, c) => a + c, 0) };
      taskNames.forEach((t, i) => {
        logs[`loss/${t}`] = meanLosses[i]!;
      });
      let score: number | undefined;
      if (valid) {
        const ev = evaluate(this.model, valid, { batchSize: cfg.evalBatchSize, tasks: this.reportedTasks() });
        for (const [t, ms] of Object.entries(ev.tasks)) for (const [m, v] of Object.entries(ms)) logs[`val/${t}/${m}`] = v;
        for (const [t, v] of Object.entries(ev.losses)) logs[`val/loss/${t}`] = v;
        // A single-task run with baselines for other tasks only has no Δm (rather than failing the run).
        const dm = deltaMIfDefined(ev.tasks, this.options.baselines ?? cfg.baselines, ev.directions);
        if (dm !== undefined) logs['val/delta_m'] = dm;
        score = this.score(ev, dm);
        const mode = this.mode(ev);
        const best = state.best;
        const minDelta = cfg.earlyStopping?.minDelta ?? 0;
        const improved = best === null || (mode === 'max' ? score > best.score + minDelta : score < best.score - minDelta);
        if (improved && Number.isFinite(score)) {
          state.best = { score, epoch };
          state.epochsWithoutImprovement = 0;
          bestEvaluation = ev;
          if (out) saveModel(join(out, 'model'), this.model, this.options.modelMeta);
          else bestWeights = this.model.layout.read();
        } else {
          state.epochsWithoutImprovement += 1;
        }
        // Keras / tfjs-layers semantics: stop once `patience` epochs in a row have not improved.
        if (cfg.earlyStopping && state.epochsWithoutImprovement >= Math.max(1, cfg.earlyStopping.patience)) this.stopTraining = true;
      } else if (out) {
        saveModel(join(out, 'model'), this.model, this.options.modelMeta);
      }
      historyLine({ type: 'epoch', epoch, ...logs });
      state.epoch += 1;
      state.batchInEpoch = 0;
      state.epochLossSums = taskNames.map(() => 0);
      state.epochLossCount = 0;
      checkpoint();
      await emit((c) => c.onEpochEnd?.(epoch, logs));
    }
    await emit((c) => c.onTrainEnd?.());

    // Leave the model at its best epoch, the one `model/` holds.
    if (!interrupted && state.best) {
      if (bestWeights) this.model.layout.write(bestWeights);
      else if (out && resolveFolder(join(out, 'model'))) loadWeights(join(out, 'model'), this.model);
    }
    return {
      history,
      best: state.best ? { ...state.best, monitor: this.monitor, evaluation: bestEvaluation } : null,
      epochs: state.epoch,
      steps: state.step,
      interrupted,
    };
  }

  /** Frees the optimizer's and the weighting's tensors (the model is the caller's). */
  dispose(): void {
    this.optimizer.dispose();
    this.weighting.dispose?.();
  }

  /** Tasks whose metrics are reported: all (prediction-only tasks too), or the single task of a baseline. */
  reportedTasks(): readonly TaskSpec[] {
    return this.options.train.singleTask !== undefined ? this.tasks : this.model.tasks;
  }

  private score(ev: Evaluation, dm: number | undefined): number {
    if (this.monitor === 'delta_m') {
      if (dm === undefined) throw new Error('monitor "delta_m" needs single-task baselines');
      return dm;
    }
    if (this.monitor === 'loss') return Object.values(ev.losses).reduce((a, c) => a + c, 0);
    const [task, metric] = splitMonitor(this.monitor);
    const v = ev.tasks[task]?.[metric];
    if (v === undefined) throw new Error(`monitor "${this.monitor}": no metric "${metric}" on task "${task}"`);
    return v;
  }

  private mode(ev: Evaluation): Direction {
    if (this.monitorMode) return this.monitorMode;
    if (this.monitor === 'delta_m') return 'max';
    if (this.monitor === 'loss') return 'min';
    const [task, metric] = splitMonitor(this.monitor);
    this.monitorMode = ev.directions[task]?.[metric] ?? 'max';
    return this.monitorMode;
  }
}

function splitMonitor(monitor: string): [string, string] {
  const i = monitor.lastIndexOf('/');
  if (i <= 0) throw new Error(`monitor "${monitor}" must be "<task>/<metric>", "delta_m" or "loss"`);
  return [monitor.slice(0, i), monitor.slice(i + 1)];
}

function monitorCovers(monitor: string, tasks: readonly TaskSpec[], singleTask: boolean): boolean {
  if (!singleTask || monitor === 'loss') return true;
  if (monitor === 'delta_m') return false;
  const [task] = splitMonitor(monitor);
  return tasks.some((t) => t.name === task);
}

function defaultMonitor(tasks: readonly TaskSpec[]): string {
  const first = tasks.find(isSupervised) ?? tasks[0]!;
  const metric = first.createMetrics()[0];
  return metric ? `${first.name}/${metric.name}` : 'loss';
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}

/** Drops history lines written after the checkpoint a run resumes from. */
function truncateHistory(file: string, step: number, epoch: number): void {
  if (!existsSync(file)) return;
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line) return false;
      const r = JSON.parse(line) as { type: string; step?: number; epoch: number };
      return r.type === 'step' ? r.step! < step : r.epoch < epoch;
    });
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}
