import type { FitRun, Logs, TrainCallback } from './callbacks.js';

/**
 * Plain progress lines on stderr, for logs and CI: every `every` batches (running-mean loss per task, elapsed time,
 * ETA, samples/s) and a summary at each epoch end, with validation values under their history keys (`val/...`).
 * The command-line apps show bars per task on a terminal instead (`@polytask/cli`).
 */
export class ProgressLogger implements TrainCallback {
  private run: FitRun | undefined;
  private epochStarted = 0;
  private sums = new Map<string, number>();
  private count = 0;
  private epoch = 0;

  constructor(
    private readonly every = 50,
    private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  setRun(run: FitRun): void {
    this.run = run;
  }

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    this.epochStarted = performance.now();
    this.sums.clear();
    this.count = 0;
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const run = this.run!;
    for (const t of run.tasks) this.sums.set(t, (this.sums.get(t) ?? 0) + (logs[`loss/${t}`] ?? 0));
    this.count += 1;
    if ((batch + 1) % this.every !== 0) return;
    const losses = run.tasks.map((t) => `${t}=${fmt(this.sums.get(t)! / this.count)}`).join(' ');
    this.write(`epoch ${this.epoch + 1}/${run.epochs} batch ${batch + 1}/${run.batchesPerEpoch} loss ${losses} ${this.rates(batch + 1)}`);
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    const run = this.run!;
    const seconds = (performance.now() - this.epochStarted) / 1000;
    const rate = (this.count * run.batchSize) / Math.max(seconds, 1e-9);
    const val = Object.entries(logs)
      .filter(([k]) => k.startsWith('val/'))
      .map(([k, v]) => `${k}=${fmt(v)}`);
    this.write(
      `epoch ${epoch + 1}/${run.epochs} done in ${seconds.toFixed(1)} s (${Math.round(rate)} ${run.sampleNoun}/s): loss=${fmt(logs.loss)} ${val.join(' ')}`.trimEnd(),
    );
    if (run.stopReason) this.write(run.stopReason);
  }

  private rates(done: number): string {
    const run = this.run!;
    const elapsed = (performance.now() - this.epochStarted) / 1000;
    const perBatch = elapsed / done;
    const eta = perBatch * (run.batchesPerEpoch - done);
    return `${formatSeconds(elapsed)} elapsed, eta ${formatSeconds(eta)}, ${Math.round((done * run.batchSize) / Math.max(elapsed, 1e-9))} ${run.sampleNoun}/s`;
  }
}

export function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '-';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${String(Math.round(s - m * 60)).padStart(2, '0')}s` : `${s.toFixed(1)}s`;
}

export function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(4);
}
