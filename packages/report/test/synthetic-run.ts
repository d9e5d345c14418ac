import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SyntheticRunOptions {
  readonly tasks?: readonly string[];
  readonly steps?: number;
  readonly epochs?: number;
  /** Log cosines every N steps; 0 = never. */
  readonly cosineEvery?: number;
  /** Write val/ metrics and losses on epoch lines. */
  readonly validation?: boolean;
  /** Adaptive (changing) weights instead of constant 1. */
  readonly adaptiveWeights?: boolean;
  readonly metricsJson?: boolean;
}

/** Deterministic pseudo-noise in [-1, 1]. */
function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return (x - Math.floor(x)) * 2 - 1;
}

/** The lines of a plausible history.jsonl. */
export function syntheticHistoryLines(o: SyntheticRunOptions = {}): string[] {
  const tasks = o.tasks ?? ['income', 'never_married'];
  const steps = o.steps ?? 200;
  const epochs = o.epochs ?? 4;
  const cosineEvery = o.cosineEvery ?? 10;
  const perEpoch = Math.ceil(steps / epochs);
  const lines: string[] = [];
  for (let e = 0; e < epochs; e++) {
    for (let s = e * perEpoch; s < Math.min(steps, (e + 1) * perEpoch); s++) {
      const rec: Record<string, unknown> = { type: 'step', step: s, epoch: e, lr: 0.001 };
      let total = 0;
      tasks.forEach((t, i) => {
        const l = 0.3 + 0.2 * i + Math.exp(-s / (steps / 4)) * (0.6 + 0.1 * i) + 0.08 * noise(s * 7 + i);
        total += l;
        rec[`loss/${t}`] = l;
        rec[`weight/${t}`] = o.adaptiveWeights ? 1 + 0.5 * Math.sin(s / 20 + i) : 1;
      });
      rec.loss = total;
      if (cosineEvery > 0 && s % cosineEvery === 0) {
        rec.cosines = {
          tasks,
          matrix: tasks.map((_, i) =>
            tasks.map((_, j) => (i === j ? 1 : Math.round((0.15 - 0.05 * (i + j) + 0.2 * noise(s + i * 31 + j * 17)) * 1e4) / 1e4)),
          ),
        };
      }
      rec.gradNorm = 2 + noise(s);
      lines.push(JSON.stringify(rec));
    }
    const ep: Record<string, unknown> = { type: 'epoch', epoch: e, loss: 1 };
    tasks.forEach((t, i) => {
      ep[`loss/${t}`] = 0.5 + 0.2 * i;
      if (o.validation ?? true) {
        ep[`val/${t}/auc`] = 0.8 + 0.03 * e - 0.01 * i;
        ep[`val/${t}/logloss`] = 0.45 - 0.02 * e + 0.03 * i;
        ep[`val/loss/${t}`] = 0.45 - 0.02 * e + 0.03 * i;
      }
    });
    if (o.validation ?? true) ep['val/delta_m'] = 0.01 * e - 0.005;
    lines.push(JSON.stringify(ep));
  }
  return lines;
}

/** Writes a run folder like `polytask-<domain> train --out DIR` leaves behind. */
export async function writeSyntheticRun(dir: string, o: SyntheticRunOptions = {}): Promise<void> {
  const tasks = o.tasks ?? ['income', 'never_married'];
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'history.jsonl'), `${syntheticHistoryLines(o).join('\n')}\n`);
  if (o.metricsJson ?? true) {
    const metrics = {
      tasks: Object.fromEntries(tasks.map((t, i) => [t, { auc: 0.9 - 0.01 * i, logloss: 0.33 + 0.02 * i }])),
      split: 'test',
      backend: 'wasm',
      seconds: 12.3,
      epochs: o.epochs ?? 4,
      bestEpoch: o.epochs ?? 4, // 1-based, like core's metrics.json: the last epoch
      monitor: `${tasks[0]}/auc`,
    };
    await writeFile(join(dir, 'metrics.json'), `${JSON.stringify(metrics, null, 2)}\n`);
  }
  const config = {
    seed: 7,
    tasks: tasks.map((name) => ({ name, type: 'binary' })),
    model: { trunk: { type: 'mlp', options: {} }, architecture: { type: 'mmoe', options: {} } },
    train: {
      epochs: o.epochs ?? 4,
      batchSize: 256,
      optimizer: { name: 'adam', lr: 0.001 },
      weighting: { name: o.adaptiveWeights ? 'DWA' : 'EW', options: {} },
    },
  };
  await writeFile(join(dir, 'config.resolved.json'), `${JSON.stringify(config, null, 2)}\n`);
}
