import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { Dense } from '../nn/dense.js';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import type { Head, HeadBuildContext } from './head.js';

export const MlpHeadOptions = z.strictObject({
  /** Hidden units of the tower before the output layer ([] = a linear head). */
  units: z.array(z.number().int().positive()).default([]),
  dropout: z.number().min(0).max(1).default(0),
});

/** A tower: optional hidden layers, then a linear layer to `outputUnits` logits. Works per position on rank > 2. */
export class MlpHead implements Head {
  private readonly tower: Mlp | undefined;
  private readonly out: Dense;

  constructor(options: z.input<typeof MlpHeadOptions>, ctx: HeadBuildContext) {
    const o = MlpHeadOptions.parse(options);
    const inputUnits = ctx.inputShape[ctx.inputShape.length - 1]!;
    this.tower = o.units.length > 0 ? new Mlp(`${ctx.name}/tower`, inputUnits, o.units, ctx.rng, { dropout: o.dropout }) : undefined;
    this.out = new Dense(`${ctx.name}/logits`, this.tower?.outputUnits ?? inputUnits, ctx.outputUnits, ctx.rng);
  }

  apply(features: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.out.apply(this.tower ? this.tower.apply(features, ctx) : features, ctx);
  }

  parameters(): Parameter[] {
    return [...(this.tower?.parameters() ?? []), ...this.out.parameters()];
  }

  // --- read-only view for the Keras export (packages/core/src/export) ---
  exportSpec(): { readonly tower: Mlp | undefined; readonly out: Dense } {
    return { tower: this.tower, out: this.out };
  }
}
