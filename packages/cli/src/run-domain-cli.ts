import { createReadStream, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import {
  BACKEND_NAMES,
  createModel,
  type Dataset,
  type DomainAdapter,
  type DomainData,
  deltaMIfDefined,
  type Evaluation,
  ExitCode,
  evaluate,
  exportFormatRegistry,
  formatCatalog,
  loadConfigFile,
  loadModel,
  logInfo,
  metricValueNames,
  PolytaskError,
  RunConfig,
  registryCatalog,
  selectBackend,
  type TaskSpec,
  Trainer,
  UsageError,
  writeFileAtomic,
  writeFolderAtomic,
} from '@polytask/core';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { checkRunConfig, configError, withConfigFields } from './check-config.js';
import { type Distributed, parseDistributedMode, startDistributed } from './distributed.js';
import { predictLines } from './predict-lines.js';
import { clearRun, planOutFolder } from './run-folder.js';
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
  /** Steps dropped for a non-finite loss or gradient (`train.nonFinite: skip`). */
  skippedSteps?: number;
  /** What the run measured badly or not at all, in words (also logged); empty when nothing. */
  warnings: string[];
  /** Data-parallel ranks the model was trained on (absent: one process). */
  ranks?: number;
  /** Training throughput of `train` (data reading included, validation not), e.g. `{ "sentences/s": 812.4 }`. */
  throughput?: Record<string, number>;
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

/** A warning goes to the log at once and into metrics.json's `warnings`. */
function warn(warnings: string[], message: string): void {
  warnings.push(message);
  logInfo(`warning: ${message}`);
}

/** Metrics that came out NaN (nothing to compute them from) are warnings; metrics.json writes them as null. */
function uncomputedMetrics(ev: Evaluation, split: string): string[] {
  const out: string[] = [];
  for (const [task, metrics] of Object.entries(ev.tasks)) {
    for (const [metric, value] of Object.entries(metrics)) {
      if (Number.isNaN(value)) {
        out.push(
          `task "${task}": metric "${metric}" cannot be computed on split "${split}" (no labelled sample, or a single class); written as null`,
        );
      }
    }
  }
  return out;
}

/** Every split a run reads must have rows; a split with none would train or measure nothing. */
function checkSplits(data: DomainData<unknown>, used: readonly (string | undefined)[]): void {
  for (const name of used) {
    if (name === undefined) continue;
    const split = data.splits[name];
    if (!split) throw new PolytaskError(`the data has no split "${name}" (it has: ${Object.keys(data.splits).join(', ')})`);
    if (split.size === 0)
      throw new PolytaskError(`split "${name}" has no rows: nothing to ${name === data.trainSplit ? 'train on' : 'measure'}`);
  }
}

/** Checks a monitored `<task>/<metric>` against the metrics the built tasks report (before any training). */
function checkMonitor(config: RunConfig, tasks: readonly TaskSpec[], file: string): void {
  const monitor = config.train.earlyStopping?.monitor;
  if (monitor === undefined || monitor === 'loss' || monitor === 'delta_m') return;
  const slash = monitor.lastIndexOf('/');
  const task = tasks.find((t) => t.name === monitor.slice(0, slash));
  if (!task) return;
  // A metric may report several named values (entity precision / recall / f1): each can be monitored.
  const names = [...new Set(task.createMetrics().flatMap((m) => [m.name, ...metricValueNames(m)]))];
  const metric = monitor.slice(slash + 1);
  if (!names.includes(metric)) {
    throw configError(
      file,
      ['train', 'earlyStopping', 'monitor'],
      `task "${task.name}" reports no metric "${metric}" (it reports: ${names.join(', ')})`,
    );
  }
}

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
  const dataRoot = opts.data === undefined ? undefined : resolve(String(opts.data));
  // the resolved config names the data it trained on, so a resume on other data is seen as another run
  if (dataRoot !== undefined) config.data = { ...config.data, root: dataRoot };
  checkRunConfig(config, configFile, { singleTask: opts.singleTask !== undefined });
  // Before the backend: the native kernels read their thread counts once, when they load.
  const distributed = await startDistributed(parseDistributedMode(String(opts.distributed ?? 'auto')));
  try {
    await trainOn(domain, opts, { started, configFile, config, dataRoot }, distributed);
  } catch (e) {
    if (distributed && distributed.rank !== 0 && e instanceof Error) e.message = `rank ${distributed.rank}: ${e.message}`;
    throw e; // without MPI_Finalize: the launcher ends the other ranks and exits non-zero
  }
  await distributed?.finalize();
}

async function trainOn<P>(
  domain: DomainAdapter<P>,
  opts: Record<string, unknown>,
  { started, configFile, config, dataRoot }: { started: number; configFile: string; config: RunConfig; dataRoot: string | undefined },
  distributed: Distributed | undefined,
): Promise<void> {
  const writer = !distributed || distributed.rank === 0;
  const outDir = resolve(String(opts.out));
  // Only reads: refuses a folder holding another run before the data is read.
  const plan = planOutFolder(outDir, { resume: Boolean(opts.resume), overwrite: Boolean(opts.overwrite) }, config);
  const backend = await selectBackend({ backend: opts.backend as string | undefined });
  const data = await domain.loadData(config, { configDir: dirname(configFile), configFile, dataRoot });
  checkSplits(data, [data.trainSplit, data.validSplit, data.testSplit]);
  checkMonitor(config, data.tasks, configFile);
  const warnings: string[] = [];
  for (const w of data.warnings ?? []) warn(warnings, w);
  const trainSet = data.splits[data.trainSplit]!;
  const model = withConfigFields(config, configFile, () => createModel({ ...config.model, seed: config.seed }, data.tasks, trainSet.spec));
  // Config and data are known good from here on: only now is --out touched (by rank 0 alone).
  const trainer = withConfigFields(
    config,
    configFile,
    () =>
      new Trainer(model, {
        train: config.train,
        seed: config.seed,
        outDir,
        resume: Boolean(opts.resume),
        modelMeta: { config, preprocessing: domain.serializePreprocessing(data.preprocessing), dataSpec: trainSet.spec },
        progress: process.stderr.isTTY ? new TerminalProgress() : undefined,
        sampleNoun: domain.sampleNoun,
        dataParallel: distributed?.dataParallel,
      }),
  );
  if (writer) {
    clearRun(plan);
    mkdirSync(outDir, { recursive: true });
    writeFileAtomic(join(outDir, 'config.resolved.json'), `${JSON.stringify(config, null, 2)}\n`);
  }
  // mpirun turns SIGINT into SIGTERM + SIGKILL for every rank but forwards SIGUSR1: that is the checkpoint-and-stop
  // signal of a data-parallel run (the ranks agree on the step to stop at).
  const signals: NodeJS.Signals[] = distributed ? ['SIGINT', 'SIGUSR1'] : ['SIGINT'];
  const onSignal = () => {
    logInfo('interrupt: finishing the current batch and checkpointing (interrupt again to abort)');
    for (const s of signals) process.off(s, onSignal);
    trainer.requestStop();
  };
  for (const s of signals) process.on(s, onSignal);
  let fit: Awaited<ReturnType<Trainer['fit']>>;
  try {
    fit = await trainer.fit(trainSet, data.validSplit ? data.splits[data.validSplit] : undefined);
  } finally {
    for (const s of signals) process.off(s, onSignal);
  }
  if (fit.interrupted) {
    throw new PolytaskError(`interrupted at step ${fit.steps}; continue with the same command and --resume`, 130);
  }
  if (!writer) {
    model.dispose();
    return; // every rank holds the same model; rank 0 reports it
  }
  if (fit.skippedSteps > 0) {
    warn(warnings, `${fit.skippedSteps} training steps skipped for a non-finite loss or gradient (train.nonFinite: skip)`);
  }
  if (!fit.best && data.validSplit) {
    warn(warnings, `no epoch had a finite "${trainer.monitor.name}" on split "${data.validSplit}": model/ holds no best epoch`);
  }
  const { name, dataset } = splitFor(data, undefined);
  const ev = await evaluate(model, dataset, { batchSize: config.train.evalBatchSize, tasks: trainer.reportedTasks() });
  for (const w of uncomputedMetrics(ev, name)) warn(warnings, w);
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
    skippedSteps: fit.skippedSteps > 0 ? fit.skippedSteps : undefined,
    warnings,
    ranks: distributed && distributed.size > 1 ? distributed.size : undefined,
    throughput:
      fit.samplesPerSecond > 0 ? { [`${domain.sampleNoun ?? 'samples'}/s`]: Math.round(fit.samplesPerSecond * 10) / 10 } : undefined,
  });
  model.dispose();
}

async function evalCommand<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  const started = performance.now();
  const backend = await selectBackend({ backend: opts.backend as string | undefined });
  const { model, config, preprocessing, dir: modelDir } = loadModel(String(opts.model), domain);
  const data = await domain.loadData(config, {
    configDir: modelDir,
    configFile: join(modelDir, 'model.json'),
    dataRoot: resolve(String(opts.data)),
    preprocessing,
  });
  const { name, dataset } = splitFor(data, opts.split as string | undefined);
  checkSplits(data, [name]);
  const warnings: string[] = [];
  for (const w of data.warnings ?? []) warn(warnings, w);
  const tasks = config.train.singleTask !== undefined ? model.tasks.filter((t) => t.name === config.train.singleTask) : model.tasks;
  const ev = await evaluate(model, dataset, { batchSize: config.train.evalBatchSize, tasks });
  for (const w of uncomputedMetrics(ev, name)) warn(warnings, w);
  writeReport(resolve(String(opts.out)), {
    tasks: roundMetrics(ev),
    split: name,
    backend: backend.name,
    seconds: Math.round((performance.now() - started) / 10) / 100,
    epochs: 0,
    losses: ev.losses,
    warnings,
  });
  model.dispose();
}

async function predict<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  await selectBackend({ backend: opts.backend as string | undefined });
  const trained = loadModel(String(opts.model), domain);
  const inputName = opts.input === undefined || opts.input === '-' ? '<stdin>' : String(opts.input);
  const listed = inputName === '<stdin>' ? undefined : domain.predictInputLines?.(inputName);
  const lines =
    listed ??
    createInterface({ input: inputName === '<stdin>' ? process.stdin : createReadStream(inputName), crlfDelay: Number.POSITIVE_INFINITY });
  const outDir = opts.out === undefined ? undefined : resolve(String(opts.out));
  if (outDir) mkdirSync(outDir, { recursive: true });
  const summary = await predictLines(
    lines,
    (records, numbers) => trained.predict(records, { source: (i) => `${inputName}:${numbers[i]}`, batchSize: records.length, outDir }),
    {
      input: inputName,
      idField: String(opts.idField),
      parseLine: domain.parsePredictLine?.bind(domain),
      write: (l) => process.stdout.write(l),
    },
  );
  trained.dispose();
  if (summary.failed > 0) {
    throw new PolytaskError(
      `${summary.failed} of ${summary.failed + summary.predicted} input lines failed (their error records are on stdout, with "line" and "error")`,
    );
  }
}

/** `export`: a trained model in a portable format (tfjs-layers: model.json + weights.bin + preprocessing.json). */
async function exportCommand<P>(domain: DomainAdapter<P>, opts: Record<string, unknown>): Promise<void> {
  const format = String(opts.format);
  if (!exportFormatRegistry.has(format)) {
    throw new UsageError(`unknown export format "${format}"; known: ${exportFormatRegistry.names().join(', ')}`);
  }
  await selectBackend({ backend: opts.backend as string | undefined });
  const { model, config, preprocessing, dataSpec } = loadModel(String(opts.model), domain);
  try {
    const files = await exportFormatRegistry.get(format)(model, {
      config: { ...config.model, seed: config.seed },
      dataSpec,
      domain: domain.name,
      preprocessing: domain.serializePreprocessing(preprocessing),
    });
    const outDir = resolve(String(opts.out));
    writeFolderAtomic(outDir, files);
    process.stdout.write(`${outDir}\n`);
  } finally {
    model.dispose();
  }
}

/** Turns a run folder into charts and a summary; returns the markdown file written (see @polytask/report). */
export type ReportWriter = (runDir: string, outDir?: string) => Promise<{ markdownFile: string }>;

export interface DomainCliOptions {
  /** Adds `report --run DIR [--out DIR]`; kept out of core so core does not pull in the chart renderer. */
  readonly report?: ReportWriter;
  /** The app's version, printed by `--version` (the app package's own version). */
  readonly version?: string;
  /** Example command lines for `--help` (default: one per command, with placeholder paths). */
  readonly examples?: readonly string[];
}

/** The environment variables the apps read, for `--help`. */
export const ENVIRONMENT_HELP: readonly (readonly [string, string])[] = [
  ['POLYTASK_BACKEND', 'tensorflow-gpu | tensorflow | wasm | cpu: the TensorFlow.js backend (as --backend)'],
  ['POLYTASK_LOG', 'silent | info | debug: how much is logged (silent also hides progress)'],
  ['POLYTASK_DEBUG', '1: print stack traces with errors'],
  ['POLYTASK_NATIVE', '0: do not load the @polytask/cpu-kernels BLAS addon'],
];

function helpEpilogue(app: string, options: DomainCliOptions): string {
  const examples = options.examples ?? [
    `${app} train --config run.yaml --out runs/a`,
    `${app} eval --model runs/a --data data/ --split test --out runs/a-eval`,
    `${app} predict --model runs/a --input records.jsonl > predictions.jsonl`,
    `${app} list   # what a config can name, with options and defaults`,
    ...(options.report ? [`${app} report --run runs/a`] : []),
  ];
  const width = Math.max(...ENVIRONMENT_HELP.map(([name]) => name.length));
  return [
    '',
    'Examples:',
    ...examples.map((e) => `  $ ${e}`),
    '',
    'Environment:',
    ...ENVIRONMENT_HELP.map(([name, text]) => `  ${name.padEnd(width)}  ${text}`),
    '',
    'Exit codes: 0 success, 1 failure (including bad data), 2 bad usage or an invalid config; 130 interrupted (resume with --resume).',
  ].join('\n');
}

/**
 * The standard app of a domain: `polytask-<name> train | eval | predict | export [| report]` with the contract in the
 * README. Returns the exit code: 0 success, 1 failure, 2 bad usage or invalid config.
 */
export async function runDomainCli<P>(
  domain: DomainAdapter<P>,
  argv: readonly string[] = process.argv,
  options: DomainCliOptions = {},
): Promise<number> {
  const app = `polytask-${domain.name}`;
  const program = new Command(app)
    .description(`Multi-task ${domain.name} models: train, evaluate, predict, export${options.report ? ', report' : ''}`)
    .addHelpText('after', helpEpilogue(app, options))
    .exitOverride()
    // usage errors read like every other error: `polytask-<name>: error: ...`, one line
    .configureOutput({ writeErr: (s) => process.stderr.write(s), outputError: (s, write) => write(`polytask-${domain.name}: ${s}`) })
    .showHelpAfterError(false);
  if (options.version !== undefined) program.version(options.version, '-V, --version', 'print the version');
  const backendOption = () =>
    new Option('--backend <name>', 'backend (default: best available; env POLYTASK_BACKEND)').choices([...BACKEND_NAMES]);
  program
    .command('train')
    .description('train a model from a config; writes DIR/{model/,metrics.json,history.jsonl,config.resolved.json}')
    .requiredOption('--config <file>', 'run config (YAML or JSON)')
    .requiredOption('--out <dir>', 'output folder')
    .option('--data <dir>', 'dataset root, replacing the one named in the config')
    .option('--epochs <n>', 'override train.epochs', positiveInt)
    .option('--seed <n>', 'override the seed', integer)
    .option('--single-task <task>', 'train one task alone (a single-task baseline)')
    .addOption(backendOption())
    .option('--resume', 'continue the run in DIR from its checkpoint (same config and flags)')
    .option('--overwrite', 'replace the run already in DIR (its checkpoint, model, metrics and history)')
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
    .addOption(backendOption())
    .action((opts) => evalCommand(domain, opts));
  program
    .command('predict')
    .description(
      'predict every task for input records (JSON lines, or what the domain reads: text lines, images); writes JSON lines to stdout',
    )
    .requiredOption('--model <dir>', 'trained model folder (DIR/model of train, or DIR itself)')
    .option('--input <file>', 'records: JSON lines (or what the domain reads: text lines, an image, a folder), or - for stdin', '-')
    .option('--id-field <name>', 'record field copied into each output line (predictions and error records)', 'id')
    .option('--out <dir>', 'folder for files the predictions write (vision: mask and overlay images)')
    .addOption(backendOption())
    .action((opts) => predict(domain, opts));
  program
    .command('export')
    .description('write a trained model in a portable format; tfjs-layers: DIR/{model.json,weights.bin,preprocessing.json}')
    .requiredOption('--model <dir>', 'trained model folder (DIR/model of train, or DIR itself)')
    .requiredOption('--format <name>', 'tfjs-layers (a tfjs LayersModel: Keras topology + float32 weights)')
    .requiredOption('--out <dir>', 'output folder (replaced atomically)')
    .addOption(backendOption())
    .action((opts) => exportCommand(domain, opts));
  program
    .command('list')
    .description('registered trunks, architectures, heads, task kinds, weightings and metrics, with their options and defaults')
    .option('--json', 'as one JSON object')
    .action((opts: { json?: boolean }) => {
      const catalog = registryCatalog();
      process.stdout.write(opts.json ? `${JSON.stringify(catalog)}\n` : formatCatalog(catalog));
    });
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
