import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { FitRun, Logs, TrainCallback } from './callbacks.js';
import { type EpochRecord, epochLine, type StepRecord, stepLine } from './history-record.js';

/**
 * Appends every step and epoch record to `history.jsonl` (Keras' CSVLogger, as JSON lines). A fresh run starts the
 * file empty; a resumed run first drops the lines written after its checkpoint, so the file reads as one
 * uninterrupted run.
 */
export class HistoryFile implements TrainCallback {
  private run: FitRun | undefined;

  constructor(readonly file: string) {}

  setRun(run: FitRun): void {
    this.run = run;
  }

  onTrainBegin(): void {
    const at = this.run?.resumedAt;
    if (at) truncateHistory(this.file, at.step, at.epoch);
    else writeFileSync(this.file, '');
  }

  onBatchEnd(_batch: number, _logs: Logs, record?: StepRecord): void {
    if (record) appendFileSync(this.file, `${stepLine(record)}\n`);
  }

  onEpochEnd(_epoch: number, _logs: Logs, record?: EpochRecord): void {
    if (record) appendFileSync(this.file, `${epochLine(record)}\n`);
  }
}

/** Keeps the lines of steps before `step` and epochs before `epoch`; a torn (unparseable) line is dropped. */
function truncateHistory(file: string, step: number, epoch: number): void {
  if (!existsSync(file)) return;
  const kept = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => {
      if (!line.trim()) return false;
      let r: { type?: string; step?: number; epoch?: number };
      try {
        r = JSON.parse(line);
      } catch {
        return false; // a crash mid-write leaves a partial last line
      }
      if (r.type === 'step') return (r.step ?? Number.POSITIVE_INFINITY) < step;
      return (r.epoch ?? Number.POSITIVE_INFINITY) < epoch;
    });
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}
