import * as tf from '@tensorflow/tfjs';
import type { OptimizerConfig } from '../config/run-config.js';
import type { Parameter } from '../nn/module.js';

/** Optimizer state as plain arrays, in parameter order, for checkpoints. */
export interface OptimizerState {
  readonly step: number;
  /** slots[i][k]: k-th slot (e.g. Adam's m, v) of parameter i. */
  readonly slots: Float32Array[][];
}

/**
 * First-order optimizers over a fixed, ordered parameter list. Gradients come in the same order, so the
 * joint optimizer can combine them however it likes before the update (compute and apply are separate).
 */
export class Optimizer {
  private step = 0;
  private readonly slots: tf.Variable[][];
  /** Sees the gradients before an update and may withhold it (the trainer's non-finite check). */
  guard: ((grads: ReadonlyArray<tf.Tensor | undefined>) => boolean) | undefined;

  constructor(
    readonly parameters: readonly Parameter[],
    readonly config: OptimizerConfig,
  ) {
    const slotCount = config.name === 'sgd' ? (config.momentum > 0 ? 1 : 0) : 2;
    this.slots = parameters.map((p) => Array.from({ length: slotCount }, () => tf.variable(tf.zerosLike(p.variable), false)));
  }

  /** One update with learning rate `lr`. `grads[i]` may be undefined (no gradient this step). */
  apply(grads: ReadonlyArray<tf.Tensor | undefined>, lr: number): void {
    if (this.guard && !this.guard(grads)) return;
    this.step += 1;
    const c = this.config;
    tf.tidy(() => {
      this.parameters.forEach((p, i) => {
        const g0 = grads[i];
        if (!g0) return;
        const w = p.variable;
        const g = c.weightDecay > 0 && c.name !== 'adamw' ? tf.add(g0, tf.mul(w, c.weightDecay)) : g0;
        const slots = this.slots[i]!;
        if (c.name === 'sgd') {
          if (slots.length === 0) {
            w.assign(tf.sub(w, tf.mul(g, lr)));
          } else {
            const v = tf.add(tf.mul(slots[0]!, c.momentum), g);
            slots[0]!.assign(v);
            w.assign(tf.sub(w, tf.mul(v, lr)));
          }
          return;
        }
        const [m, v] = slots as [tf.Variable, tf.Variable];
        const mNext = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
        const vNext = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
        m.assign(mNext);
        v.assign(vNext);
        const stepSize = (lr * Math.sqrt(1 - c.beta2 ** this.step)) / (1 - c.beta1 ** this.step);
        let update = tf.div(tf.mul(mNext, stepSize), tf.add(tf.sqrt(vNext), c.epsilon * Math.sqrt(1 - c.beta2 ** this.step)));
        if (c.name === 'adamw' && c.weightDecay > 0) update = tf.add(update, tf.mul(w, lr * c.weightDecay));
        w.assign(tf.sub(w, update));
      });
    });
  }

  getState(): OptimizerState {
    return { step: this.step, slots: this.slots.map((s) => s.map((v) => v.dataSync() as Float32Array)) };
  }

  setState(state: OptimizerState): void {
    if (state.slots.length !== this.slots.length) {
      throw new Error(`optimizer state has ${state.slots.length} parameters, the model has ${this.slots.length}`);
    }
    this.step = state.step;
    for (const [i, slots] of state.slots.entries()) {
      for (const [k, values] of slots.entries()) {
        const target = this.slots[i]![k]!;
        const t = tf.tensor(values, target.shape);
        target.assign(t);
        t.dispose();
      }
    }
  }

  dispose(): void {
    for (const s of this.slots) tf.dispose(s);
  }
}
