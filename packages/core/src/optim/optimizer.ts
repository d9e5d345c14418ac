import * as tf from '@tensorflow/tfjs';
import { ADAM_UPDATE } from '../backend/blas-kernels.js';
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
    const fused = this.config.name !== 'sgd' && tf.getKernel(ADAM_UPDATE, tf.getBackend()) !== undefined;
    tf.tidy(() => {
      this.parameters.forEach((p, i) => {
        const g = grads[i];
        if (!g) return;
        if (this.config.name === 'sgd') this.sgdStep(p.variable, g, this.slots[i]!, lr);
        else this.adamStep(p.variable, g, this.slots[i] as [tf.Variable, tf.Variable], lr, fused);
      });
    });
  }

  /** L2 weight decay (adam, sgd) is added to the gradient; adamw decays the weights directly. */
  private get l2(): number {
    return this.config.name === 'adamw' ? 0 : this.config.weightDecay;
  }

  private sgdStep(w: tf.Variable, g0: tf.Tensor, slots: tf.Variable[], lr: number): void {
    const g = this.l2 > 0 ? tf.add(g0, tf.mul(w, this.l2)) : g0;
    if (slots.length === 0) {
      w.assign(tf.sub(w, tf.mul(g, lr)));
      return;
    }
    const v = tf.add(tf.mul(slots[0]!, this.config.momentum), g);
    slots[0]!.assign(v);
    w.assign(tf.sub(w, tf.mul(v, lr)));
  }

  /**
   * Adam with the bias corrections folded into the step size and ε (ε̂ = ε·√(1 − β2ᵗ)); adamw adds lr·wd·w to the
   * update. With the native kernel registered, the whole step is one pass (`ADAM_UPDATE`, the same arithmetic).
   */
  private adamStep(w: tf.Variable, g0: tf.Tensor, [m, v]: [tf.Variable, tf.Variable], lr: number, fused: boolean): void {
    const c = this.config;
    const l2 = this.l2;
    const stepSize = (lr * Math.sqrt(1 - c.beta2 ** this.step)) / (1 - c.beta1 ** this.step);
    const epsHat = c.epsilon * Math.sqrt(1 - c.beta2 ** this.step);
    const decay = c.name === 'adamw' ? lr * c.weightDecay : 0;
    if (fused && w.dtype === 'float32' && g0.dtype === 'float32') {
      const attrs = { beta1: c.beta1, beta2: c.beta2, stepSize, epsHat, l2, decay };
      const [wNext, mNext, vNext] = tf.engine().runKernel(ADAM_UPDATE, { w, g: g0, m, v }, attrs) as tf.Tensor[];
      m.assign(mNext!);
      v.assign(vNext!);
      w.assign(wNext!);
      return;
    }
    const g = l2 > 0 ? tf.add(g0, tf.mul(w, l2)) : g0;
    const mNext = tf.add(tf.mul(m, c.beta1), tf.mul(g, 1 - c.beta1));
    const vNext = tf.add(tf.mul(v, c.beta2), tf.mul(tf.square(g), 1 - c.beta2));
    m.assign(mNext);
    v.assign(vNext);
    let update = tf.div(tf.mul(mNext, stepSize), tf.add(tf.sqrt(vNext), epsHat));
    if (decay > 0) update = tf.add(update, tf.mul(w, decay));
    w.assign(tf.sub(w, update));
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
