import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../util/rng.js';
import { type Activation, activate } from './activations.js';
import { glorotUniform } from './init.js';
import { createParameter, type ForwardContext, type Module, type Parameter } from './module.js';

export interface DenseOptions {
  activation?: Activation;
  useBias?: boolean;
}

/** Fully connected layer with Keras' weight layout (kernel [in, out], bias [out]). Works on any rank ≥ 2. */
export class Dense implements Module {
  readonly kernel: Parameter;
  readonly bias: Parameter | undefined;
  readonly activation: Activation;

  constructor(
    readonly name: string,
    readonly inputUnits: number,
    readonly units: number,
    rng: Rng,
    options: DenseOptions = {},
  ) {
    this.activation = options.activation ?? 'linear';
    this.kernel = createParameter(`${name}/kernel`, glorotUniform([inputUnits, units], inputUnits, units, rng));
    this.bias = options.useBias === false ? undefined : createParameter(`${name}/bias`, tf.zeros([units]));
  }

  apply(x: tf.Tensor, _ctx?: ForwardContext): tf.Tensor {
    return tf.tidy(() => {
      const flat = x.rank === 2 ? (x as tf.Tensor2D) : (x.reshape([-1, this.inputUnits]) as tf.Tensor2D);
      const act = this.activation === 'relu' ? 'relu' : 'linear';
      let y: tf.Tensor = tf.fused.matMul({
        a: flat,
        b: this.kernel.variable as tf.Tensor2D,
        bias: this.bias?.variable,
        activation: act,
      });
      if (act === 'linear') y = activate(y, this.activation);
      return x.rank === 2 ? y : y.reshape([...x.shape.slice(0, -1), this.units]);
    });
  }

  parameters(): Parameter[] {
    return this.bias ? [this.kernel, this.bias] : [this.kernel];
  }
}
