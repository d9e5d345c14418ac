import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../nn/module.js';

export interface LayoutEntry {
  readonly parameter: Parameter;
  readonly shape: number[];
  readonly size: number;
  /** Offset of the first element in the flat vector. */
  readonly offset: number;
}

/**
 * One flat, fixed-order view of a list of parameters. Per-task gradients become rows of a [T, P] matrix in
 * this order, an all-reduce sends one vector, and checkpoints write the weights in the same order.
 */
export class ParameterLayout {
  readonly entries: LayoutEntry[];
  readonly size: number;

  constructor(readonly parameters: readonly Parameter[]) {
    let offset = 0;
    this.entries = parameters.map((parameter) => {
      const shape = parameter.variable.shape;
      const size = shape.reduce((a, b) => a * b, 1);
      const entry = { parameter, shape, size, offset };
      offset += size;
      return entry;
    });
    this.size = offset;
  }

  get variables(): tf.Variable[] {
    return this.parameters.map((p) => p.variable);
  }

  /** Gradients (one per parameter, in order; undefined = zero) → one [P] vector. */
  flatten(tensors: ReadonlyArray<tf.Tensor | undefined>): tf.Tensor1D {
    return tf.tidy(() => {
      if (this.entries.length === 0) return tf.zeros([0]) as tf.Tensor1D;
      const parts = this.entries.map((e, i) => {
        const t = tensors[i];
        return t ? t.reshape([e.size]) : tf.zeros([e.size]);
      });
      return (parts.length === 1 ? parts[0]! : tf.concat(parts, 0)) as tf.Tensor1D;
    });
  }

  /** One [P] vector → one tensor per parameter, shaped like it. */
  unflatten(vector: tf.Tensor1D): tf.Tensor[] {
    if (vector.size !== this.size) throw new Error(`flat vector has ${vector.size} values, layout has ${this.size}`);
    if (this.entries.length === 0) return [];
    return tf.tidy(() =>
      tf
        .split(
          vector,
          this.entries.map((e) => e.size),
        )
        .map((t, i) => t.reshape(this.entries[i]!.shape)),
    );
  }

  /** Current values as one Float32Array (checkpoints, broadcast). */
  read(): Float32Array {
    const out = new Float32Array(this.size);
    for (const e of this.entries) out.set(e.parameter.variable.dataSync() as Float32Array, e.offset);
    return out;
  }

  /** Assigns all values from one Float32Array. */
  write(values: Float32Array): void {
    if (values.length !== this.size) throw new Error(`expected ${this.size} values, got ${values.length}`);
    for (const e of this.entries) {
      const t = tf.tensor(values.subarray(e.offset, e.offset + e.size), e.shape);
      e.parameter.variable.assign(t);
      t.dispose();
    }
  }
}
