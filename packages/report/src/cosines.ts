import type { TrainingHistory as History } from '@polytask/core';

/** Statistics of the gradient cosine of one task pair over the logged steps. */
export interface PairCosine {
  readonly a: string;
  readonly b: string;
  readonly mean: number;
  readonly min: number;
  readonly max: number;
  /** Fraction of the logged steps with a negative cosine (conflicting gradients). */
  readonly negativeFraction: number;
  /** Number of logged steps. */
  readonly samples: number;
}

/** One logged cosine of a task pair. */
export interface PairSample {
  readonly pair: string;
  readonly step: number;
  readonly cosine: number;
}

/** `"a ↔ b"`: how a pair is labelled in charts and tables. */
export function pairLabel(a: string, b: string): string {
  return `${a} ↔ ${b}`;
}

/** Task names over all cosine records, in first-seen order. */
export function cosineTasks(history: History): string[] {
  const tasks: string[] = [];
  for (const s of history.steps) for (const t of s.cosines?.tasks ?? []) if (!tasks.includes(t)) tasks.push(t);
  return tasks;
}

/** Every finite upper-triangle cosine of every step that logged them. */
export function pairSamples(history: History): { pairs: [string, string][]; samples: PairSample[] } {
  const pairs: [string, string][] = [];
  const keys = new Set<string>();
  const samples: PairSample[] = [];
  for (const s of history.steps) {
    const c = s.cosines;
    if (!c) continue;
    for (let i = 0; i < c.tasks.length; i++) {
      for (let j = i + 1; j < c.tasks.length; j++) {
        const v = c.matrix[i]?.[j];
        if (v === undefined || !Number.isFinite(v)) continue;
        const a = c.tasks[i]!;
        const b = c.tasks[j]!;
        const pair = pairLabel(a, b);
        if (!keys.has(pair)) {
          keys.add(pair);
          pairs.push([a, b]);
        }
        samples.push({ pair, step: s.step, cosine: v });
      }
    }
  }
  return { pairs, samples };
}

/** Mean / min / max cosine per task pair over the run. */
export function pairCosines(history: History): PairCosine[] {
  const { pairs, samples } = pairSamples(history);
  const byPair = new Map<string, number[]>();
  for (const s of samples) {
    const list = byPair.get(s.pair);
    if (list) list.push(s.cosine);
    else byPair.set(s.pair, [s.cosine]);
  }
  return pairs.map(([a, b]) => {
    const values = byPair.get(pairLabel(a, b)) ?? [];
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    let negative = 0;
    for (const v of values) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v < 0) negative += 1;
    }
    return { a, b, mean: sum / values.length, min, max, negativeFraction: negative / values.length, samples: values.length };
  });
}

/** Mean cosine matrix over the run (`tasks × tasks`; `NaN` for pairs never logged, 1 on the diagonal). */
export function meanCosineMatrix(history: History): { tasks: string[]; matrix: number[][] } {
  const tasks = cosineTasks(history);
  const stats = pairCosines(history);
  const matrix = tasks.map((a, i) =>
    tasks.map((b, j) => {
      if (i === j) return 1;
      const hit = stats.find((p) => (p.a === a && p.b === b) || (p.a === b && p.b === a));
      return hit ? hit.mean : Number.NaN;
    }),
  );
  return { tasks, matrix };
}
