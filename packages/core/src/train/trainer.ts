import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { TrainConfig } from '../config/run-config.js';
import type { Dataset } from '../data/dataset.js';
import { disposeBatch } from '../data/dataset.js';
import { recoverFolder, resolveFolder } from '../io/atomic.js';
import { loadCheckpoint, type ModelMeta, saveCheckpoint, type TrainingState } from '../io/checkpoint.js';
import { runIdentity, sameRun } from '../io/run-identity.js';
import { type Direction, deltaMIfDefined } from '../metrics/index.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import { Optimizer } from '../optim/optimizer.js';
import { learningRate } from '../optim/schedule.js';
import { isSupervised, type TaskSpec } from '../tasks/task-spec.js';
import { UsageError } from '../util/errors.js';
import { logInfo, logLevel } from '../util/log.js';
import { Rng } from '../util/rng.js';
import { type Weighting, weightingRegistry } from '../weighting/index.js';
import { type FitRun, History, type Logs, type TrainCallback } from './callbacks.js';
import type { DataParallel } from './data-parallel.js';
import { DivergenceError, NonFiniteGuard } from './divergence.js';
import { EarlyStopping } from './early-stopping.js';
import { evaluate } from './evaluate.js';
import { HistoryFile } from './history-file.js';
import { type EpochRecord, epochLogs, type StepRecord } from './history-record.js';
import { JointStep } from './joint-step.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import { chooseMonitor, type Monitor } from './monitor.js';
import { ProgressLogger } from './progress.js';
import { localReducer, type Reducer } from './reducer.js';

export interface TrainerOptions {
  /** Training settings; a plain object is enough, every default comes from the `TrainConfig` schema. */
  readonly train?: TrainConfig | import('zod').input<typeof TrainConfig>;
  readonly seed?: number;
  /** Folder for `checkpoint/`, `model/` (best) and `history.jsonl`. Without it nothing is written. */
  readonly outDir?: string;
  /** Continue from `outDir/checkpoint` when it exists. */
  readonly resume?: boolean;
  /** Extra callbacks, after the built-in ones (history, best model, early stopping, progress). */
  readonly callbacks?: readonly TrainCallback[];
  readonly reducer?: Reducer;
  /**
   * Data-parallel training (one process per rank, e.g. over MPI): `train.batchSize` stays the global batch, rank 0
   * alone writes (`outDir`) and runs the progress and extra callbacks, and each step equals the one-process step.
   */
  readonly dataParallel?: DataParallel;
  /** Progress callback; default plain lines on stderr (`ProgressLogger`), `false` for none. */
  readonly progress?: false | TrainCallback;
  /** Also checkpoint every N steps inside an epoch (0: at epoch ends only). */
  readonly checkpointEverySteps?: number;
  /** Written into saved model folders: run config, data preprocessing and data spec. */
  readonly modelMeta?: ModelMeta;
  /** Single-task baselines to compute Δm against, `baselines[task][metric]` (default: `train.baselines`). */
  readonly baselines?: Record<string, Record<string, number>>;
  /** What one sample is, plural, in progress lines and throughput (`sentences`, `images`); default `samples`. */
  readonly sampleNoun?: string;
}

export interface FitResult {
  readonly history: History;
  readonly best: { epoch: number; score: number; monitor: string } | null;
  readonly epochs: number;
  readonly steps: number;
  /** True when stopped by `requestStop()` (state checkpointed for `--resume`). */
  readonly interrupted: boolean;
  /** Why training ended before `train.epochs`, when a callback stopped it. */
  readonly stopReason?: string;
  /** Steps dropped for a non-finite loss or gradient (`train.nonFinite: skip`). */
  readonly skippedSteps: number;
  /** Training samples per second of this call's steps (data reading included, validation not); all ranks together. */
  readonly samplesPerSecond: number;
}

/** Where a run is, beyond the weights and optimizer (checkpointed, restored on resume). */
type LoopState = Omit<TrainingState, 'optimizerSlots' | 'optimizerStep'>;

/**
 * The training loop (tfjs-layers' `model.fit` sums task losses and cannot weight them): seeded batches, the joint
 * step, validation each epoch, and callbacks for everything else — `History`, `HistoryFile` (history.jsonl),
 * `ModelCheckpoint` (best model), `EarlyStopping`, progress. Checkpoints carry the data position and every stateful
 * piece (optimizer, weighting, RNG, callbacks), so a resumed run replays the uninterrupted one exactly.
 */
export class Trainer {
  readonly config: TrainConfig;
  readonly seed: number;
  readonly tasks: readonly TaskSpec[];
  readonly weighting: Weighting;
  readonly optimizer: Optimizer;
  readonly jointStep: JointStep;
  readonly monitor: Monitor;
  private readonly rng: Rng;
  private stopRequested = false;

  constructor(
    readonly model: MultiTaskModel,
    readonly options: TrainerOptions = {},
  ) {
    const cfg = TrainConfig.parse(options.train ?? {});
    this.config = cfg;
    this.seed = options.seed ?? 0;
    const supervised = model.tasks.filter(isSupervised);
    if (cfg.singleTask !== undefined && !supervised.some((t) => t.name === cfg.singleTask)) {
      throw new UsageError(`singleTask "${cfg.singleTask}" is not a supervised task (tasks: ${supervised.map((t) => t.name).join(', ')})`);
    }
    this.tasks = cfg.singleTask !== undefined ? supervised.filter((t) => t.name === cfg.singleTask) : supervised;
    this.weighting = weightingRegistry.get(cfg.weighting.name)(cfg.weighting.options, {
      tasks: this.tasks.map((t) => t.name),
      seed: this.seed,
    });
    const trainable = [
      ...model.sharedLayout.parameters,
      ...this.tasks.flatMap((t) => model.taskLayouts.get(t.name)?.parameters ?? []),
      ...this.weighting.parameters(),
    ];
    this.optimizer = new Optimizer(trainable, cfg.optimizer);
    const dp = options.dataParallel;
    this.jointStep = dp
      ? new JointStep(model, dp.wrapTasks(this.tasks), dp.wrapWeighting(this.weighting), this.optimizer, dp.reducer, cfg.gradientMode)
      : new JointStep(model, this.tasks, this.weighting, this.optimizer, options.reducer ?? localReducer, cfg.gradientMode);
    this.rng = Rng.derive(this.seed, 0x77e1);
    this.monitor = chooseMonitor(cfg.earlyStopping, this.reportedTasks(), cfg.singleTask !== undefined);
  }

  /** Stop after the current batch and checkpoint the exact position (SIGINT handler of the CLI). */
  requestStop(): void {
    this.stopRequested = true;
  }

  async fit(train: Dataset, valid?: Dataset): Promise<FitResult> {
    const cfg = this.config;
    const dp = this.options.dataParallel;
    const writer = !dp || dp.rank === 0;
    const out = writer ? this.options.outDir : undefined;
    if (out) mkdirSync(out, { recursive: true });
    const checkpointDir = out ? join(out, 'checkpoint') : undefined;
    const reducer = this.options.reducer ?? localReducer;
    const shard = dp ? dp.shard() : reducer.size > 1 ? { index: reducer.rank, count: reducer.size } : undefined;
    const batchSize = dp ? dp.localBatchSize(cfg.batchSize) : cfg.batchSize;
    const allBatches = dp ? dp.batchCount(train, cfg.batchSize) : train.batchCount({ batchSize, shard });
    const batchesPerEpoch = cfg.batchesPerEpoch > 0 ? Math.min(cfg.batchesPerEpoch, allBatches) : allBatches;
    const totalSteps = batchesPerEpoch * cfg.epochs;
    const taskNames = this.tasks.map((t) => t.name);

    let state: LoopState = {
      epoch: 0,
      batchInEpoch: 0,
      step: 0,
      rng: this.rng.getState(),
      weighting: null,
      callbacks: {},
      epochLossSums: taskNames.map(() => 0),
      epochLossCount: 0,
    };
    const identity = runIdentity(this.options.modelMeta?.config ?? { train: cfg }, this.seed);
    if (this.options.resume && checkpointDir && out && resolveFolder(checkpointDir)) {
      // the run's own folders: put back what a crash between two renames left aside, drop stale temp copies
      recoverFolder(checkpointDir);
      recoverFolder(join(out, 'model'));
    }
    const shared = dp?.shareCheckpoint(this.options.resume ? checkpointDir : undefined);
    const resumeDir = dp ? shared!.dir : this.options.resume && checkpointDir ? resolveFolder(checkpointDir) : undefined;
    const resuming = resumeDir !== undefined;
    if (resuming) {
      state = loadCheckpoint(resumeDir, this.model, this.optimizer);
      if (state.run && !sameRun(state.run, identity)) {
        throw new UsageError(
          `cannot resume: ${resumeDir} belongs to another run (seed ${state.run.seed}, config ${state.run.config.slice(0, 12)}; this run: seed ${identity.seed}, config ${identity.config.slice(0, 12)})`,
        );
      }
      this.rng.setState(state.rng);
      this.weighting.setState(state.weighting);
    }
    shared?.cleanup();
    dp?.broadcastParameters([...this.model.layout.parameters, ...this.weighting.parameters()]);

    const run: FitRun = {
      model: this.model,
      tasks: taskNames,
      epochs: cfg.epochs,
      batchesPerEpoch,
      batchSize: cfg.batchSize,
      sampleNoun: this.options.sampleNoun ?? 'samples',
      stopTraining: false,
      resumedAt: resuming ? { step: state.step, epoch: state.epoch } : undefined,
      directions: {},
    };
    const history = new History();
    const best = new ModelCheckpoint({ monitor: this.monitor, dir: out ? join(out, 'model') : undefined, meta: this.options.modelMeta });
    const callbacks: TrainCallback[] = [history, best];
    if (out) callbacks.push(new HistoryFile(join(out, 'history.jsonl')));
    // Every rank runs the deciding callbacks (same validation metrics, so the same early stop); rank 0 alone reports.
    if (cfg.earlyStopping) {
      callbacks.push(
        new EarlyStopping({ monitor: this.monitor, patience: cfg.earlyStopping.patience, minDelta: cfg.earlyStopping.minDelta }),
      );
    }
    const progress = this.options.progress ?? (logLevel() !== 'silent' ? new ProgressLogger() : false);
    if (writer && progress && logLevel() !== 'silent') callbacks.push(progress);
    if (writer) callbacks.push(...(this.options.callbacks ?? []));
    for (const c of callbacks) {
      c.setRun?.(run);
      if (resuming && c.stateKey && state.callbacks[c.stateKey] !== undefined) c.setState?.(state.callbacks[c.stateKey]);
    }
    const emit = async (fn: (c: TrainCallback) => void | Promise<void> | undefined) => {
      for (const c of callbacks) await fn(c);
    };
    const checkpoint = () => {
      if (dp) dp.averageNonTrainable(this.model);
      if (!checkpointDir) return;
      if (dp) state.ranks = dp.positions(state.batchInEpoch, cfg.batchSize);
      state.rng = this.rng.getState();
      state.weighting = this.weighting.getState();
      state.callbacks = Object.fromEntries(callbacks.filter((c) => c.stateKey && c.getState).map((c) => [c.stateKey!, c.getState!()]));
      state.run = identity;
      state.skippedSteps = guard.skipped;
      saveCheckpoint(checkpointDir, this.model, this.optimizer, state, this.options.modelMeta);
    };

    const guard = new NonFiniteGuard(cfg.nonFinite, cfg.maxSkippedSteps);
    guard.skipped = state.skippedSteps ?? 0;
    this.optimizer.guard = guard.allowUpdate;
    const hint = (lr: number) =>
      `try a lower train.optimizer.lr (now ${lr}), ${cfg.clipNorm > 0 ? `a lower train.clipNorm (now ${cfg.clipNorm})` : 'train.clipNorm'} or train.nonFinite: skip; ${
        checkpointDir && resolveFolder(checkpointDir)
          ? `the last good checkpoint is kept in ${checkpointDir}`
          : 'no checkpoint was written yet'
      }`;

    let interrupted = false;
    let stepSeconds = 0;
    let trainedSamples = 0;
    await emit((c) => c.onTrainBegin?.());
    while (state.epoch < cfg.epochs && !run.stopTraining) {
      const epoch = state.epoch;
      await emit((c) => c.onEpochBegin?.(epoch));
      let b = state.batchInEpoch;
      let stopNow = false;
      const batches = train.batches({ batchSize, shuffle: true, seed: this.seed, epoch, startBatch: b, shard });
      let stepStarted = performance.now();
      for await (const batch of batches) {
        if (b >= batchesPerEpoch) {
          disposeBatch(batch);
          break;
        }
        const lr = learningRate(cfg.optimizer.lr, cfg.schedule, { step: state.step, epoch, totalSteps });
        const monitorCosines = cfg.gradientCosineEvery > 0 && state.step % cfg.gradientCosineEvery === 0;
        let result: ReturnType<JointStep['run']>;
        try {
          result = this.jointStep.run(batch, {
            lr,
            clipNorm: cfg.clipNorm,
            monitorCosines,
            seed: Rng.derive(this.seed, 0xd20, state.step).nextUint32(),
            weighting: { step: state.step, epoch, tasks: taskNames, rng: this.rng },
          });
        } finally {
          trainedSamples += dp ? dp.size * batch.size : batch.size;
          disposeBatch(batch);
        }
        const record: StepRecord = {
          step: state.step,
          epoch,
          loss: result.losses.reduce((a, c) => a + c, 0),
          lr,
          losses: Object.fromEntries(taskNames.map((t, i) => [t, result.losses[i]!])),
          weights: Object.fromEntries(taskNames.map((t, i) => [t, result.weights[i]!])),
          cosines: result.cosines ? { tasks: taskNames, matrix: result.cosines.map((r) => r.map((v) => round(v))) } : undefined,
          gradNorm: result.gradientNorm,
        };
        let verdict: 'ok' | 'skip';
        try {
          verdict = guard.afterStep({ step: state.step, losses: record.losses }, `(epoch ${epoch + 1}, batch ${b + 1})`, hint(lr));
        } catch (e) {
          if (e instanceof DivergenceError) await emit((c) => c.onTrainEnd?.());
          throw e;
        }
        if (verdict === 'ok') {
          result.losses.forEach((l, i) => {
            state.epochLossSums[i]! += l;
          });
          state.epochLossCount += 1;
        } else {
          logInfo(`step ${state.step + 1} skipped: non-finite loss or gradient (train.nonFinite: skip; ${guard.skipped} so far)`);
        }
        state.step += 1;
        b += 1;
        state.batchInEpoch = b;
        // a skipped step leaves no history line or progress: its update was never applied
        if (verdict === 'ok') await emit((c) => c.onBatchEnd?.(b - 1, stepLogs(record), record));
        if (this.options.checkpointEverySteps && state.step % this.options.checkpointEverySteps === 0) checkpoint();
        // Ranks stop at the same step: a stop request on any rank stops them all.
        stopNow = dp ? dp.anyRank(this.stopRequested) : this.stopRequested;
        if (stopNow) break;
        if (b % 20 === 0) await new Promise((r) => setImmediate(r)); // let signals and progress through
        const now = performance.now();
        stepSeconds += (now - stepStarted) / 1000;
        stepStarted = now;
      }
      if (dp ? stopNow : this.stopRequested) {
        checkpoint();
        interrupted = true;
        break;
      }
      dp?.averageNonTrainable(this.model); // BatchNorm statistics of every rank's samples, before validation
      const record = await this.endEpoch(epoch, state, valid, run);
      state.epoch += 1;
      state.batchInEpoch = 0;
      state.epochLossSums = taskNames.map(() => 0);
      state.epochLossCount = 0;
      // Callbacks first (best model, early stopping), so the checkpoint holds their state after this epoch.
      await emit((c) => c.onEpochEnd?.(epoch, epochLogs(record), record));
      checkpoint();
      await new Promise((r) => setImmediate(r)); // signals get through at every epoch end too (short epochs)
    }
    await emit((c) => c.onTrainEnd?.());

    // Leave the model at its best epoch, the one `model/` holds.
    if (!interrupted) best.restoreBest();
    return {
      history,
      best: best.best ? { ...best.best, monitor: this.monitor.name } : null,
      epochs: state.epoch,
      steps: state.step,
      interrupted,
      stopReason: run.stopReason,
      skippedSteps: guard.skipped,
      samplesPerSecond: trainedSamples / Math.max(stepSeconds, 1e-9),
    };
  }

  /** Epoch-end work of the loop itself: the weighting's epoch hook and validation. */
  private async endEpoch(epoch: number, state: LoopState, valid: Dataset | undefined, run: FitRun): Promise<EpochRecord> {
    const meanLosses = state.epochLossSums.map((s) => s / Math.max(1, state.epochLossCount));
    this.weighting.onEpochEnd?.(epoch, meanLosses);
    const losses = Object.fromEntries(this.tasks.map((t, i) => [t.name, meanLosses[i]!]));
    const loss = meanLosses.reduce((a, c) => a + c, 0);
    if (!valid) return { epoch, loss, losses, val: {}, valLosses: {} };
    const ev = await evaluate(this.model, valid, { batchSize: this.config.evalBatchSize, tasks: this.reportedTasks() });
    (run as { directions: Record<string, Record<string, Direction>> }).directions = ev.directions;
    // A single-task run with baselines for other tasks only has no Δm (rather than failing the run).
    const deltaM = deltaMIfDefined(ev.tasks, this.options.baselines ?? this.config.baselines, ev.directions);
    return { epoch, loss, losses, val: ev.tasks, valLosses: ev.losses, deltaM };
  }

  /** Frees the optimizer's and the weighting's tensors (the model is the caller's). */
  dispose(): void {
    this.optimizer.dispose();
    this.weighting.dispose?.();
  }

  /** Tasks whose metrics are reported: all (prediction-only tasks too), or the single task of a baseline. */
  reportedTasks(): readonly TaskSpec[] {
    return this.config.singleTask !== undefined ? this.tasks : this.model.tasks;
  }
}

function stepLogs(r: StepRecord): Logs {
  const logs: Logs = { loss: r.loss };
  if (r.lr !== undefined) logs.lr = r.lr;
  for (const [t, v] of Object.entries(r.losses)) logs[`loss/${t}`] = v;
  for (const [t, v] of Object.entries(r.weights)) logs[`weight/${t}`] = v;
  return logs;
}

function round(v: number): number {
  return Math.round(v * 1e4) / 1e4;
}
