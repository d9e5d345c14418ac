import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { Mlp } from '../nn/mlp.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import { type ArchitectureBuildContext, featureWidth, type SharingArchitecture } from './architecture.js';

export const HardSharingOptions = z.strictObject({
  /** Shared-bottom MLP on the trunk features; [] shares the trunk alone. */
  units: z.array(z.number().int().positive()).default([]),
  dropout: z.number().min(0).max(1).default(0),
});

/** Hard parameter sharing (Shared-Bottom): one representation, every head reads it. */
export class HardSharing implements SharingArchitecture {
  readonly branches: readonly string[];
  readonly branchOutputShape: number[];
  private readonly bottom: Mlp | undefined;

  constructor(options: z.input<typeof HardSharingOptions>, ctx: ArchitectureBuildContext) {
    const o = HardSharingOptions.parse(options);
    this.branches = ctx.branches;
    if (o.units.length > 0) {
      this.bottom = new Mlp(`${ctx.name}/bottom`, featureWidth(ctx.inputShape, 'hard sharing with units'), o.units, ctx.rng, {
        dropout: o.dropout,
      });
      this.branchOutputShape = [...ctx.inputShape.slice(0, -1), this.bottom.outputUnits];
    } else {
      this.branchOutputShape = ctx.inputShape;
    }
  }

  encode(features: tf.Tensor, ctx: ForwardContext): tf.Tensor[] {
    return [this.bottom ? this.bottom.apply(features, ctx) : features];
  }

  branchInput(representation: tf.Tensor[]): tf.Tensor {
    return representation[0]!;
  }

  sharedParameters(): Parameter[] {
    return this.bottom?.parameters() ?? [];
  }

  branchParameters(): Parameter[] {
    return [];
  }

  parameters(): Parameter[] {
    return this.sharedParameters();
  }

  // --- read-only view for the Keras export (packages/core/src/export) ---
  exportSpec(): { readonly bottom: Mlp | undefined } {
    return { bottom: this.bottom };
  }
}
