import type * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ForwardContext, Parameter } from '../nn/module.js';
import { type ArchitectureBuildContext, featureWidth, type SharingArchitecture } from './architecture.js';
import { ExpertGroup, Gate } from './mixture.js';

export const MmoeOptions = z.strictObject({
  experts: z.number().int().positive().default(4),
  expertUnits: z.array(z.number().int().positive()).default([64]),
  dropout: z.number().min(0).max(1).default(0),
});

/**
 * Multi-gate Mixture-of-Experts (Ma et al., KDD 2018): shared experts, one softmax gate per branch.
 * Shared representation = [trunk features, stacked expert outputs]; gates belong to their branch.
 */
export class Mmoe implements SharingArchitecture {
  readonly branches: readonly string[];
  readonly branchOutputShape: number[];
  private readonly experts: ExpertGroup;
  private readonly gates: Map<string, Gate>;

  constructor(options: z.input<typeof MmoeOptions>, ctx: ArchitectureBuildContext) {
    const o = MmoeOptions.parse(options);
    const width = featureWidth(ctx.inputShape, 'mmoe');
    this.branches = ctx.branches;
    this.experts = new ExpertGroup(`${ctx.name}/experts`, o.experts, width, o.expertUnits, ctx.rng, o.dropout);
    this.gates = new Map(ctx.branches.map((b) => [b, new Gate(`${ctx.name}/${b}`, width, o.experts, ctx.rng)]));
    this.branchOutputShape = [...ctx.inputShape.slice(0, -1), this.experts.outputUnits];
  }

  encode(features: tf.Tensor, ctx: ForwardContext): tf.Tensor[] {
    return [features, this.experts.apply(features, ctx)];
  }

  branchInput(representation: tf.Tensor[], branch: string): tf.Tensor {
    return this.gates.get(branch)!.mix(representation[0]!, representation[1]!);
  }

  sharedParameters(): Parameter[] {
    return this.experts.parameters();
  }

  branchParameters(branch: string): Parameter[] {
    return this.gates.get(branch)!.parameters();
  }

  parameters(): Parameter[] {
    return [...this.sharedParameters(), ...this.branches.flatMap((b) => this.branchParameters(b))];
  }

  // --- read-only view for the Keras export (packages/core/src/export) ---
  exportSpec(): { readonly experts: ExpertGroup; readonly gates: ReadonlyMap<string, Gate> } {
    return { experts: this.experts, gates: this.gates };
  }
}
