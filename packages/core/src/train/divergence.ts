import * as tf from '@tensorflow/tfjs';
import { PolytaskError } from '../util/errors.js';

/**
 * True when every value of every tensor is finite, by one sum per tensor and one read: NaN and ±Infinity propagate
 * through a sum. A sum of finite values that overflows float32 (values near 1e38) also counts as not finite; a
 * gradient that large is diverged in all but name (its squared norm, as clipping computes it, is already Infinity).
 */
export function allFinite(tensors: ReadonlyArray<tf.Tensor | undefined>): boolean {
  const present = tensors.filter((t): t is tf.Tensor => t !== undefined);
  if (present.length === 0) return true;
  const probe = tf.tidy(() => (present.length === 1 ? tf.sum(present[0]!) : tf.addN(present.map((t) => tf.sum(t)))));
  const value = probe.dataSync()[0]!;
  probe.dispose();
  return Number.isFinite(value);
}

/** The run stopped on a non-finite loss or gradient (exit code 1). */
export class DivergenceError extends PolytaskError {
  constructor(
    message: string,
    readonly step: number,
  ) {
    super(message);
    this.name = 'DivergenceError';
  }
}

export interface StepValues {
  readonly step: number;
  readonly losses: Readonly<Record<string, number>>;
}

const show = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 1e4) / 1e4) : String(v));

/**
 * Watches each step for a non-finite loss or gradient (`train.nonFinite`). As the optimizer's guard it sees the
 * gradients before the update and withholds the update when they are not finite, so the weights stay those of the
 * last good step. `stop` then ends the run with a {@link DivergenceError}; `skip` drops the step and counts it, as
 * mixed-precision loss scalers do, and stops once `maxSkipped` steps in a row were dropped.
 */
export class NonFiniteGuard {
  /** Steps dropped so far (skip mode). */
  skipped = 0;
  private inARow = 0;
  private gradientsFinite = true;
  private lastFinite: StepValues | undefined;

  constructor(
    readonly mode: 'stop' | 'skip',
    readonly maxSkipped: number,
  ) {}

  /** The optimizer's guard: whether to apply these gradients. */
  readonly allowUpdate = (grads: ReadonlyArray<tf.Tensor | undefined>): boolean => {
    this.gradientsFinite = allFinite(grads);
    return this.gradientsFinite;
  };

  /**
   * After a step: 'ok', or 'skip' (the update was withheld; the step is dropped). Throws when the run must stop.
   * `where` describes the position for the message; `hint` says what to change.
   */
  afterStep(values: StepValues, where: string, hint: string): 'ok' | 'skip' {
    const bad = Object.entries(values.losses).filter(([, v]) => !Number.isFinite(v));
    if (bad.length === 0 && this.gradientsFinite) {
      this.lastFinite = values;
      this.inARow = 0;
      this.gradientsFinite = true;
      return 'ok';
    }
    const what =
      bad.length > 0
        ? bad.map(([t, v]) => `task "${t}" loss is ${v}`).join(', ')
        : `the gradient is not finite (losses ${Object.entries(values.losses)
            .map(([t, v]) => `${t}=${show(v)}`)
            .join(', ')})`;
    const last = this.lastFinite
      ? `last finite losses (step ${this.lastFinite.step + 1}): ${Object.entries(this.lastFinite.losses)
          .map(([t, v]) => `${t}=${show(v)}`)
          .join(', ')}`
      : 'no finite step before it';
    this.gradientsFinite = true;
    if (this.mode === 'skip') {
      this.skipped += 1;
      this.inARow += 1;
      if (this.inARow < this.maxSkipped) return 'skip';
      throw new DivergenceError(
        `training diverged: ${this.inARow} steps in a row with a non-finite loss or gradient (train.maxSkippedSteps), the last at step ${values.step + 1} ${where}: ${what}; ${last}; ${hint}`,
        values.step,
      );
    }
    throw new DivergenceError(`training diverged at step ${values.step + 1} ${where}: ${what}; ${last}; ${hint}`, values.step);
  }
}
