import { type FitRun, fmt, formatSeconds, type Logs, ProgressLogger, type TrainCallback } from '@polytask/core';
import cliProgress from 'cli-progress';

/**
 * Progress on a terminal: one bar per task with its running-mean loss and weight, the batch count, elapsed time,
 * ETA and samples/s; the epoch summary (with `val/...` keys, as in history.jsonl) and why training stopped early stay
 * on screen as plain lines.
 */
export class TerminalProgress implements TrainCallback {
  private run: FitRun | undefined;
  private multibar: cliProgress.MultiBar | undefined;
  private bars = new Map<string, cliProgress.SingleBar>();
  private sums = new Map<string, number>();
  private count = 0;
  private epochStarted = 0;
  private readonly summary = new ProgressLogger(Number.POSITIVE_INFINITY, (line) => this.print(line));

  setRun(run: FitRun): void {
    this.run = run;
    this.summary.setRun(run);
  }

  onEpochBegin(epoch: number): void {
    const run = this.run!;
    this.summary.onEpochBegin(epoch);
    this.epochStarted = performance.now();
    this.sums.clear();
    this.count = 0;
    this.multibar = new cliProgress.MultiBar(
      {
        format: `epoch ${epoch + 1}/${run.epochs} {task} |{bar}| {value}/{total} loss={loss} w={weight} {timing}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...run.tasks.map((t) => t.length));
    this.bars = new Map(
      run.tasks.map((t) => [
        t,
        this.multibar!.create(run.batchesPerEpoch, 0, { task: t.padEnd(width), loss: '-', weight: '-', timing: '' }),
      ]),
    );
  }

  onBatchEnd(batch: number, logs: Logs): void {
    const run = this.run!;
    this.summary.onBatchEnd(batch, logs);
    this.count += 1;
    const elapsed = (performance.now() - this.epochStarted) / 1000;
    const eta = (elapsed / this.count) * (run.batchesPerEpoch - batch - 1);
    const timing = `${formatSeconds(elapsed)} eta ${formatSeconds(eta)} ${Math.round((this.count * run.batchSize) / Math.max(elapsed, 1e-9))} ${run.sampleNoun}/s`;
    for (const [t, bar] of this.bars) {
      this.sums.set(t, (this.sums.get(t) ?? 0) + (logs[`loss/${t}`] ?? 0));
      bar.update(batch + 1, { loss: fmt(this.sums.get(t)! / this.count), weight: fmt(logs[`weight/${t}`]), timing });
    }
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.stopBars();
    this.summary.onEpochEnd(epoch, logs);
  }

  onTrainEnd(): void {
    this.stopBars();
  }

  private stopBars(): void {
    this.multibar?.stop();
    this.multibar = undefined;
  }

  private print(line: string): void {
    process.stderr.write(`${line}\n`);
  }
}
