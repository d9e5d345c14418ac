// The example domain end to end through its CLI: train on the committed series, evaluate, predict raw histories.
// The series has a known best forecast (the noiseless signal, MSE σ² = 0.09 in load units); the model must beat
// persistence (tomorrow = today) by far and read the up/down direction well above chance.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCaptured } from '@polytask/cli';
import { loadModel, selectBackend } from '@polytask/core';
import { afterAll, describe, expect, it } from 'vitest';
import { forecastDomain } from './domain.js';
import { readSeries } from './series.js';

const HERE = join(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'polytask-forecast-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function cli(...args: string[]): Promise<number> {
  const { code, stderr } = await runCaptured(forecastDomain, args);
  process.stderr.write(stderr); // progress and errors stay visible in the test log
  return code;
}

type Metrics = { split: string; tasks: Record<string, Record<string, number>> };
const metrics = (dir: string) => JSON.parse(readFileSync(join(dir, 'metrics.json'), 'utf8')) as Metrics;

const series = readSeries(join(HERE, 'data/seasonal.csv'), 'load');
const testStart = Math.floor(series.length * 0.85);
const trainEnd = Math.floor(series.length * 0.7);
const trainPart = series.subarray(0, trainEnd);
const mean = trainPart.reduce((a, v) => a + v, 0) / trainPart.length;
const std = Math.sqrt(trainPart.reduce((a, v) => a + (v - mean) ** 2, 0) / trainPart.length);
/** Persistence forecast error on the test split, in the scaled units the model's metrics use. */
function persistenceMse(): number {
  let sum = 0;
  for (let t = testStart; t < series.length; t++) sum += ((series[t]! - series[t - 1]!) / std) ** 2;
  return sum / (series.length - testStart);
}

describe('forecast example domain', () => {
  const run = join(work, 'run');

  it('trains the forecast and its auxiliary direction task, beating persistence on the test split', async () => {
    expect(await cli('train', '--config', join(HERE, 'configs/seasonal.yaml'), '--out', run, '--epochs', '6')).toBe(0);
    const m = metrics(run);
    expect(m.split).toBe('test');
    const baseline = persistenceMse();
    expect(m.tasks.forecast!.mse).toBeLessThan(0.6 * baseline);
    expect(m.tasks.forecast!.mse).toBeGreaterThan((0.3 / std) ** 2 * 0.5); // not below the noise floor
    expect(m.tasks.direction!.auc).toBeGreaterThan(0.8);
  });

  it('evaluates the saved model to the same test metrics', async () => {
    const out = join(work, 'eval');
    expect(await cli('eval', '--model', run, '--data', join(HERE, 'data'), '--out', out)).toBe(0);
    expect(metrics(out).tasks).toEqual(metrics(run).tasks);
  });

  it('loadModel predicts raw histories in the series units', async () => {
    await selectBackend({ backend: 'cpu' });
    const trained = loadModel(run, forecastDomain);
    const starts = [testStart, testStart + 50, testStart + 100];
    const predictions = await trained.predict(starts.map((t) => ({ history: Array.from(series.subarray(t - 48, t)) })));
    trained.dispose();
    const errors = predictions.map((p, i) => Math.abs((p.forecast as number) - series[starts[i]!]!));
    const persistence = starts.map((t) => Math.abs(series[t - 1]! - series[t]!));
    expect(predictions.every((p) => typeof p.direction === 'number')).toBe(true);
    expect(errors.reduce((a, b) => a + b)).toBeLessThan(
      Math.max(
        1.5,
        persistence.reduce((a, b) => a + b),
      ),
    );
    expect(Math.max(...errors)).toBeLessThan(1.2); // within 4σ of the noise
  });

  it('a bad history is one line naming the record and the field', async () => {
    const trained = loadModel(run, forecastDomain);
    await expect(trained.predict([{ history: [1, 2] }])).rejects.toThrow(
      /record 0, field "history": expected an array of at least 48 numbers/,
    );
    trained.dispose();
  });
});
