import cliProgress from 'cli-progress';
import type { Logs, TrainCallback } from './callbacks.js';

/**
 * Progress on stderr: one bar per task (its running loss and weight) on a TTY, plain lines otherwise
 * (every `every` batches and at each epoch end), so CI logs stay readable.
 */
export class ProgressLogger implements TrainCallback {
  private multibar: cliProgress.MultiBar | undefined;
  private bars = new Map<string, cliProgress.SingleBar>();
  private epoch = 0;

  constructor(
    private readonly tasks: readonly string[],
    private readonly batchesPerEpoch: number,
    private readonly epochs: number,
    private readonly tty = Boolean(process.stderr.isTTY),
    private readonly every = 50,
    private readonly write: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
  ) {}

  onEpochBegin(epoch: number): void {
    this.epoch = epoch;
    if (!this.tty) return;
    this.multibar = new cliProgress.MultiBar(
      {
        format: `epoch ${epoch + 1}/${this.epochs} {task} |{bar}| {value}/{total} loss={loss} w={weight}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    const width = Math.max(...this.tasks.map((t) => t.length));
    this.bars = new Map(
      this.tasks.map((t) => [t, this.multibar!.create(this.batchesPerEpoch, 0, { task: t.padEnd(width), loss: '-', weight: '-' })]),
    );
  }

  onBatchEnd(batch: number, logs: Logs): void {
    if (this.tty) {
      for (const [t, bar] of this.bars) {
        bar.update(batch + 1, { loss: fmt(logs[`loss/${t}`]), weight: fmt(logs[`weight/${t}`]) });
      }
    } else if ((batch + 1) % this.every === 0) {
      const parts = this.tasks.map((t) => `${t} loss=${fmt(logs[`loss/${t}`])} w=${fmt(logs[`weight/${t}`])}`);
      this.write(`epoch ${this.epoch + 1}/${this.epochs} batch ${batch + 1}/${this.batchesPerEpoch} ${parts.join(' ')}`);
    }
  }

  onEpochEnd(epoch: number, logs: Logs): void {
    this.multibar?.stop();
    this.multibar = undefined;
    const val = Object.entries(logs)
      .filter(([k]) => k.startsWith('val/'))
      .map(([k, v]) => `${k.slice(4)}=${fmt(v)}`);
    this.write(`epoch ${epoch + 1}/${this.epochs} done: loss=${fmt(logs.loss)} ${val.join(' ')}`);
  }

  onTrainEnd(): void {
    this.multibar?.stop();
  }
}

function fmt(v: number | undefined): string {
  return v === undefined || Number.isNaN(v) ? '-' : v.toFixed(4);
}
