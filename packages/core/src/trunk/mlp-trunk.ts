import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import type { Inputs, Trunk, TrunkBuildContext } from './trunk.js';

export const MlpTrunkOptions = z.strictObject({
  input: z.string().default('x'),
  units: z.array(z.number().int().positive()).default([64]),
  dropout: z.number().min(0).max(1).default(0),
});
export type MlpTrunkOptions = z.input<typeof MlpTrunkOptions>;

/** Dense features → MLP. Reads the input named `input` ([B, D] float32). */
export class MlpTrunk implements Trunk {
  readonly outputShape: number[];
  private readonly mlp: Mlp;
  private readonly input: string;

  constructor(options: MlpTrunkOptions, ctx: TrunkBuildContext) {
    const o = MlpTrunkOptions.parse(options);
    const spec = ctx.data.inputs[o.input];
    if (!spec) throw new Error(`mlp trunk: the data has no input "${o.input}"`);
    this.input = o.input;
    this.mlp = new Mlp(`${ctx.name}/mlp`, spec.shape[0]!, o.units, ctx.rng, { dropout: o.dropout });
    this.outputShape = [this.mlp.outputUnits];
  }

  apply(inputs: Inputs, ctx: ForwardContext): tf.Tensor {
    return this.mlp.apply(inputs[this.input]!, ctx);
  }

  parameters(): Parameter[] {
    return this.mlp.parameters();
  }

  /** Read-only view of the parts, for the Keras export. */
  exportSpec(): { readonly input: string; readonly mlp: Mlp } {
    return { input: this.input, mlp: this.mlp };
  }
}
