import * as tf from '@tensorflow/tfjs';
import { Dense } from '../nn/dense.js';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext } from '../nn/module.js';
import type { Rng } from '../util/rng.js';

/** A group of MLP experts; `apply` stacks their outputs on the second-to-last axis: [..., E, H] (per position on rank > 2). */
export class ExpertGroup {
  readonly experts: Mlp[];
  readonly outputUnits: number;

  constructor(name: string, count: number, inputUnits: number, units: number[], rng: Rng, dropout: number) {
    this.experts = Array.from({ length: count }, (_, i) => new Mlp(`${name}/expert_${i}`, inputUnits, units, rng, { dropout }));
    this.outputUnits = units[units.length - 1]!;
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return tf.stack(
      this.experts.map((e) => e.apply(x, ctx)),
      x.rank - 1,
    );
  }

  parameters() {
    return this.experts.flatMap((e) => e.parameters());
  }
}

/** A softmax gate over E experts: weights from `x` [..., D], mixture of `experts` [..., E, H] → [..., H] (gates per position). */
export class Gate {
  readonly dense: Dense;

  constructor(name: string, inputUnits: number, experts: number, rng: Rng) {
    this.dense = new Dense(`${name}/gate`, inputUnits, experts, rng);
  }

  mix(x: tf.Tensor, experts: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const weights = tf.softmax(this.dense.apply(x)).expandDims(-1); // [..., E, 1]
      return tf.sum(tf.mul(experts, weights), experts.rank - 2);
    });
  }

  parameters() {
    return this.dense.parameters();
  }
}
