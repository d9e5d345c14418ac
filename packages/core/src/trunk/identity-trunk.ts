import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { Parameter } from '../nn/module.js';
import type { Inputs, Trunk, TrunkBuildContext } from './trunk.js';

export const IdentityTrunkOptions = z.strictObject({ input: z.string().default('x') });

/** Passes one input through: for architectures whose experts read raw features directly (MMoE on tabular data). */
export class IdentityTrunk implements Trunk {
  readonly outputShape: number[];
  private readonly input: string;

  constructor(options: z.input<typeof IdentityTrunkOptions>, ctx: TrunkBuildContext) {
    const o = IdentityTrunkOptions.parse(options);
    const spec = ctx.data.inputs[o.input];
    if (!spec) throw new Error(`identity trunk: the data has no input "${o.input}"`);
    this.input = o.input;
    this.outputShape = spec.shape;
  }

  apply(inputs: Inputs): tf.Tensor {
    return inputs[this.input]!;
  }

  parameters(): Parameter[] {
    return [];
  }

  /** Read-only view of the parts, for the Keras export. */
  exportSpec(): { readonly input: string } {
    return { input: this.input };
  }
}
