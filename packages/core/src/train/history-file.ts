import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { logInfo } from '../util/log.js';
import type { FitRun, Logs, TrainCallback } from './callbacks.js';
import { type EpochRecord, epochLine, RunFormatError, type StepRecord, stepLine } from './history-record.js';

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

/**
 * Keeps the lines of steps before `step` and epochs before `epoch`. A torn last line (a crash mid-write) is dropped;
 * a damaged line before it is a {@link RunFormatError} naming the file and line, rather than history silently lost.
 */
function truncateHistory(file: string, step: number, epoch: number): void {
  if (!existsSync(file)) return;
  const lines = readFileSync(file, 'utf8').split('\n');
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const kept = lines.filter((line, i) => {
    if (!line.trim()) return false;
    let r: { type?: string; step?: number; epoch?: number };
    try {
      r = JSON.parse(line);
    } catch (e) {
      if (i === lines.length - 1) {
        logInfo(`${file}:${i + 1}: dropped a torn last line (the run was stopped while writing it)`);
        return false;
      }
      throw new RunFormatError(`damaged line, not valid JSON (${(e as Error).message})`, file, i + 1);
    }
    if (r.type === 'step') return (r.step ?? Number.POSITIVE_INFINITY) < step;
    return (r.epoch ?? Number.POSITIVE_INFINITY) < epoch;
  });
  writeFileSync(file, kept.map((l) => `${l}\n`).join(''));
}
