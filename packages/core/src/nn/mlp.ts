import type * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import type { Activation } from './activations.js';
import { Dense } from './dense.js';
import { dropout } from './dropout.js';
import type { ForwardContext, Module, Parameter } from './module.js';

export interface MlpOptions {
  activation?: Activation;
  dropout?: number;
  /** Activation of the last layer (defaults to `activation`: an MLP used as a feature extractor). */
  outputActivation?: Activation;
}

/** A stack of Dense layers: input → units[0] → … → units[n-1]. */
export class Mlp implements Module {
  readonly layers: Dense[];
  readonly outputUnits: number;
  private readonly dropoutRate: number;

  constructor(name: string, inputUnits: number, units: number[], rng: Rng, options: MlpOptions = {}) {
    const activation = options.activation ?? 'relu';
    this.dropoutRate = options.dropout ?? 0;
    let fanIn = inputUnits;
    this.layers = units.map((u, i) => {
      const last = i === units.length - 1;
      const layer = new Dense(`${name}/dense_${i}`, fanIn, u, rng, {
        activation: last ? (options.outputActivation ?? activation) : activation,
      });
      fanIn = u;
      return layer;
    });
    this.outputUnits = fanIn;
  }

  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    let h = x;
    this.layers.forEach((layer, i) => {
      h = layer.apply(h, ctx);
      if (i < this.layers.length - 1) h = dropout(h, this.dropoutRate, ctx, i);
    });
    return h;
  }

  parameters(): Parameter[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** Dropout rate between the layers (training only). */
  get dropout(): number {
    return this.dropoutRate;
  }
}
