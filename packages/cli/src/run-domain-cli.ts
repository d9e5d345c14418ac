import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  createModel,
  DataError,
  type Dataset,
  type DomainAdapter,
  type DomainData,
  deltaMIfDefined,
  type Evaluation,
  ExitCode,
  evaluate,
  loadConfigFile,
  loadWeights,
  logInfo,
  type MultiTaskModel,
  PolytaskError,
  RunConfig,
  readModelJson,
  selectBackend,
  type TaskSpec,
  Trainer,
  UsageError,
  validate,
  writeFileAtomic,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { type Distributed, parseDistributedMode, startDistributed } from './distributed.js';
import { TerminalProgress } from './terminal-progress.js';

/** metrics.json of `train` and `eval`. */
export interface MetricsReport {
  tasks: Record<string, Record<string, number>>;
  split: string;
  backend: string;
  seconds: number;
  epochs: number;
  losses?: Record<string, number>;
  bestEpoch?: number;
  monitor?: string;
  /** Mean relative change over `train.baselines`, signed so that higher is better. */
  delta_m?: number;
  /** Data-parallel ranks the model was trained on (absent: one process). */
  ranks?: number;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('expected an integer');
  return n;
}

function splitFor(data: DomainData<unknown>, requested: string | undefined): { name: string; dataset: Dataset } {
  const name = requested ?? data.testSplit ?? data.validSplit ?? data.trainSplit;
  const dataset = data.splits[name];
  if (!dataset) throw new UsageError(`no split "${name}"; the data has: ${Object.keys(data.splits).join(', ')}`);
  return { name, dataset };
}

const round6 = (v: number): number => Math.round(v * 1e6) / 1e6;

function roundMetrics(ev: Evaluation): Record<string, Record<string, number>> {
  return Object.fromEntries(
    Object.entries(ev.tasks).map(([t, ms]) => [t, Object.fromEntries(Object.entries(ms).map(([m, v]) => [m, round6(v)]))]),
  );
}

function writeReport(outDir: string, report: MetricsReport): void {
  mkdirSync(outDir, { recursive: true });
  writeFileAtomic(join(outDir, 'metrics.json'), `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify({ split: report.split, tasks: report.tasks })}\n`);
}

async function train<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  const started = performance.now();
  const configFile = resolve(String(opts.config));
  const config = loadConfigFile(configFile, RunConfig);
  if (opts.epochs !== undefined) config.train.epochs = opts.epochs as number;
  if (opts.seed !== undefined) config.seed = opts.seed as number;
  if (opts.singleTask !== undefined) config.train.singleTask = String(opts.singleTask);
  // Before the backend: the native kernels read their thread counts once, when they load.
  const distributed = await startDistributed(parseDistributedMode(String(opts.distributed ?? 'auto')));
  try {
    await trainOn(domain, opts, { started, configFile, config }, distributed);
  } catch (e) {
    if (distributed && distributed.rank !== 0 && e instanceof Error) e.message = `rank ${distributed.rank}: ${e.message}`;
    throw e; // without MPI_Finalize: the launcher ends the other ranks and exits non-zero
  }
  await distributed?.finalize();
}

async function trainOn<P>(
  domain: DomainAdapter<P>,
  opts: Record<string, unknown>,
  { started, configFile, config }: { started: number; configFile: string; config: RunConfig },
  distributed: Distributed | undefined,
): Promise<void> {
  const writer = !distributed || distributed.rank === 0;
  const backend = await selectBackend({ backend: opts.backend as string | undefined });
  const data = await domain.loadData(config, {
    configDir: dirname(configFile),
    configFile,
    dataRoot: opts.data === undefined ? undefined : resolve(String(opts.data)),
  });
  const outDir = resolve(String(opts.out));
  if (writer) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'config.resolved.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  const trainSet = data.splits[data.trainSplit]!;
  const model = createModel({ ...config.model, seed: config.seed }, data.tasks, trainSet.spec);
  const trainer = new Trainer(model, {
    train: config.train,
    seed: config.seed,
    outDir,
    resume: Boolean(opts.resume),
    modelMeta: { config, preprocessing: domain.serializePreprocessing(data.preprocessing), dataSpec: trainSet.spec },
    progress: process.stderr.isTTY ? new TerminalProgress() : undefined,
    dataParallel: distributed?.dataParallel,
  });
  // mpirun turns SIGINT into SIGTERM + SIGKILL for every rank but forwards SIGUSR1: that is the checkpoint-and-stop
  // signal of a data-parallel run (the ranks agree on the step to stop at).
  const signals: NodeJS.Signals[] = distributed ? ['SIGINT', 'SIGUSR1'] : ['SIGINT'];
  const onSignal = () => {
    logInfo('interrupt: finishing the current batch and checkpointing (interrupt again to abort)');
    for (const s of signals) process.off(s, onSignal);
    trainer.requestStop();
  };
  for (const s of signals) process.on(s, onSignal);
  const fit = await trainer.fit(trainSet, data.validSplit ? data.splits[data.validSplit] : undefined);
  for (const s of signals) process.off(s, onSignal);
  if (fit.interrupted) {
    throw new PolytaskError(`interrupted at step ${fit.steps}; continue with the same command and --resume`, 130);
  }
  if (!writer) {
    model.dispose();
    return; // every rank holds the same model; rank 0 reports it
  }
  const { name, dataset } = splitFor(data, undefined);
  const ev = await evaluate(model, dataset, { batchSize: config.train.evalBatchSize, tasks: trainer.reportedTasks() });
  const dm = deltaMIfDefined(ev.tasks, config.train.baselines, ev.directions);
  writeReport(outDir, {
    tasks: roundMetrics(ev),
    split: name,
    backend: backend.name,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    epochs: fit.epochs,
    losses: ev.losses,
    bestEpoch: fit.best ? fit.best.epoch + 1 : undefined,
    monitor: trainer.monitor.name,
    delta_m: dm === undefined ? undefined : round6(dm),
    ranks: distributed && distributed.size > 1 ? distributed.size : undefined,
  });
  model.dispose();
}

/** `--model`: a model folder, or the `--out` folder of a train run (its `model/`). */
function modelFolder(arg: string): string {
  const dir = resolve(arg);
  return !existsSync(join(dir, 'model.json')) && existsSync(join(dir, 'model', 'model.json')) ? join(dir, 'model') : dir;
}

/** Rebuilds a trained model from its folder. */
function loadTrained<P>(
  domain: DomainAdapter<P>,
  modelDir: string,
): { model: MultiTaskModel; config: RunConfig; tasks: TaskSpec[]; preprocessing: P } {
  const json = readModelJson(modelDir);
  const file = join(modelDir, 'model.json');
  const config = validate(RunConfig, json.config, file);
  const preprocessing = domain.parsePreprocessing(json.preprocessing, file);
  const tasks = domain.createTasks(config, preprocessing);
  const model = createModel({ ...config.model, seed: config.seed }, tasks, json.dataSpec);
  loadWeights(modelDir, model);
  return { model, config, tasks, preprocessing };
}

async function evalCommand<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  const started = performance.now();
  const modelDir = modelFolder(String(opts.model));
  const backend = await selectBackend({ backend: opts.backend as string | undefined });
  const { model, config, preprocessing } = loadTrained(domain, modelDir);
  const data = await domain.loadData(config, {
    configDir: modelDir,
    configFile: join(modelDir, 'model.json'),
    dataRoot: resolve(String(opts.data)),
    preprocessing,
  });
  const { name, dataset } = splitFor(data, opts.split as string | undefined);
  const tasks = config.train.singleTask !== undefined ? model.tasks.filter((t) => t.name === config.train.singleTask) : model.tasks;
  const ev = await evaluate(model, dataset, { batchSize: config.train.evalBatchSize, tasks });
  writeReport(resolve(String(opts.out)), {
    tasks: roundMetrics(ev),
    split: name,
    backend: backend.name,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    epochs: 0,
    losses: ev.losses,
  });
  model.dispose();
}

async function predict<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  const modelDir = modelFolder(String(opts.model));
  await selectBackend({ backend: opts.backend as string | undefined });
  const { model, config, preprocessing } = loadTrained(domain, modelDir);
  const inputName = opts.input === undefined || opts.input === '-' ? '<stdin>' : String(opts.input);
  const stream = inputName === '<stdin>' ? process.stdin : createReadStream(inputName);
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  const batchSize = 1024;
  let records: unknown[] = [];
  let lineNumbers: number[] = [];
  const flush = () => {
    if (records.length === 0) return;
    const numbers = lineNumbers;
    const inputs = domain.encodeRecords(records, config, preprocessing, (i) => `${inputName}:${numbers[i]}`);
    const predictions = model.predict(inputs);
    const decoded = Object.fromEntries(model.tasks.map((t) => [t.name, t.decode(predictions[t.name]!)]));
    tf.dispose([...Object.values(inputs), ...Object.values(predictions)]);
    const out = records.map((_, i) => JSON.stringify(Object.fromEntries(model.tasks.map((t) => [t.name, decoded[t.name]![i]]))));
    process.stdout.write(`${out.join('\n')}\n`);
    records = [];
    lineNumbers = [];
  };
  let n = 0;
  for await (const line of lines) {
    n += 1;
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch (e) {
      throw new DataError(inputName, n, undefined, `not valid JSON (${(e as Error).message})`);
    }
    lineNumbers.push(n);
    if (records.length >= batchSize) flush();
  }
  flush();
  model.dispose();
}

/** Turns a run folder into charts and a summary; returns the markdown file written (see @polytask/report). */
export type ReportWriter = (runDir: string, outDir?: string) => Promise<{ markdownFile: string }>;

export interface DomainCliOptions {
  /** Adds `report --run DIR [--out DIR]`; kept out of core so core does not pull in the chart renderer. */
  readonly report?: ReportWriter;
}

/**
 * The standard app of a domain: `polytask-<name> train | eval | predict [| report]` with the contract in the
 * README. Returns the exit code: 0 success, 1 failure, 2 bad usage or invalid config.
 */
export async function runDomainCli<P>(
  domain: DomainAdapter<P>,
  argv: readonly string[] = process.argv,
  options: DomainCliOptions = {},
): Promise<number> {
  const program = new Command(`polytask-${domain.name}`)
    .description(`Multi-task ${domain.name} models: train, evaluate, predict${options.report ? ', report' : ''}`)
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
    .showHelpAfterError(false);
  const backendOption = '--backend <name>';
  const backendHelp = 'tensorflow-gpu | tensorflow | wasm | cpu (default: best available; env POLYTASK_BACKEND)';
  program
    .command('train')
    .description('train a model from a config; writes DIR/{model/,metrics.json,history.jsonl,config.resolved.json}')
    .requiredOption('--config <file>', 'run config (YAML or JSON)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--data <dir>', 'dataset root, replacing the one named in the config')
    .option('--epochs <n>', 'override train.epochs', positiveInt)
    .option('--seed <n>', 'override the seed', integer)
    .option('--single-task <task>', 'train one task alone (a single-task baseline)')
    .option(backendOption, backendHelp)
    .option('--resume', 'continue an interrupted run from DIR/checkpoint')
    .option(
      '--distributed <mode>',
      'mpi: data-parallel over MPI (one process per rank, launched by mpirun/srun); none; auto: mpi when started by an MPI launcher',
      'auto',
    )
    .action((opts) => train(domain, opts));
  program
    .command('eval')
    .description('evaluate a trained model on a split; writes DIR/metrics.json')
    .requiredOption('--model <dir>', 'trained model folder (DIR/model of train, or DIR itself)')
    .requiredOption('--data <dir>', 'dataset root')
    .option('--split <name>', 'split name as the dataset names it (default: test, else valid)')
    .requiredOption('--out <dir>', 'output folder')
    .option(backendOption, backendHelp)
    .action((opts) => evalCommand(domain, opts));
  program
    .command('predict')
    .description('predict every task for JSON-lines records; writes JSON lines to stdout')
    .requiredOption('--model <dir>', 'trained model folder (DIR/model of train, or DIR itself)')
    .option('--input <file>', 'JSON lines of raw records, or - for stdin', '-')
    .option(backendOption, backendHelp)
    .action((opts) => predict(domain, opts));
  const report = options.report;
  if (report) {
    program
      .command('report')
      .description('charts (loss, task weights, gradient conflict, metrics) and report.md from a training run')
      .requiredOption('--run <dir>', 'the --out folder of a train run')
      .option('--out <dir>', 'where to write (default: RUN/report)')
      .action(async (opts) => {
        const written = await report(resolve(String(opts.run)), opts.out === undefined ? undefined : resolve(String(opts.out)));
        process.stdout.write(`${written.markdownFile}\n`);
      });
  }

  try {
    await program.parseAsync([...argv]);
    return ExitCode.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0) return ExitCode.ok;
      return ExitCode.usage;
    }
    const err = e as Error;
    const code = e instanceof PolytaskError ? e.exitCode : ExitCode.failure;
    process.stderr.write(`polytask-${domain.name}: error: ${err.message.split('\n')[0]}\n`);
    if (!(e instanceof PolytaskError) && process.env.POLYTASK_DEBUG) process.stderr.write(`${err.stack}\n`);
    return code;
  }
}
