import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import type { ForwardContext, Parameter } from '../nn/module.js';
import { type ArchitectureBuildContext, featureWidth, type SharingArchitecture } from './architecture.js';
import { ExpertGroup, Gate } from './mixture.js';

export const PleOptions = z.strictObject({
  /** Extraction levels; 1 level is CGC (Customized Gate Control). */
  levels: z.number().int().positive().default(2),
  sharedExperts: z.number().int().positive().default(1),
  taskExperts: z.number().int().positive().default(1),
  expertUnits: z.array(z.number().int().positive()).default([64]),
  dropout: z.number().min(0).max(1).default(0),
});

interface Level {
  shared: ExpertGroup;
  perBranch: Map<string, { experts: ExpertGroup; gate: Gate }>;
  /** Gate of the shared path; absent on the last level. */
  sharedGate: Gate | undefined;
}

/**
 * Progressive Layered Extraction (Tang et al., RecSys 2020). Each level has shared experts and per-branch
 * experts; branch gates mix shared + own experts, and below the last level a shared gate mixes all of them.
 * Every level below the last feeds all branches, so it is shared; on the last level the shared experts are
 * shared and each branch's experts and gate belong to that branch.
 */
export class Ple implements SharingArchitecture {
  readonly branches: readonly string[];
  readonly branchOutputShape: number[];
  private readonly levels: Level[];

  constructor(options: z.input<typeof PleOptions>, ctx: ArchitectureBuildContext) {
    const o = PleOptions.parse(options);
    this.branches = ctx.branches;
    const units = o.expertUnits[o.expertUnits.length - 1]!;
    let width = featureWidth(ctx.inputShape, 'ple');
    this.levels = Array.from({ length: o.levels }, (_, l) => {
      const name = `${ctx.name}/level_${l}`;
      const last = l === o.levels - 1;
      const level: Level = {
        shared: new ExpertGroup(`${name}/shared`, o.sharedExperts, width, o.expertUnits, ctx.rng, o.dropout),
        perBranch: new Map(
          ctx.branches.map((b) => [
            b,
            {
              experts: new ExpertGroup(`${name}/${b}`, o.taskExperts, width, o.expertUnits, ctx.rng, o.dropout),
              gate: new Gate(`${name}/${b}`, width, o.sharedExperts + o.taskExperts, ctx.rng),
            },
          ]),
        ),
        sharedGate: last ? undefined : new Gate(`${name}/shared`, width, o.sharedExperts + ctx.branches.length * o.taskExperts, ctx.rng),
      };
      width = units;
      return level;
    });
    this.branchOutputShape = [...ctx.inputShape.slice(0, -1), units];
  }

  /** Representation: [input of each branch at the last level..., shared experts of the last level]. */
  encode(features: tf.Tensor, ctx: ForwardContext): tf.Tensor[] {
    let branchInputs = this.branches.map(() => features);
    let sharedInput = features;
    for (const level of this.levels.slice(0, -1)) {
      const shared = level.shared.apply(sharedInput, ctx);
      const own = this.branches.map((b, i) => level.perBranch.get(b)!.experts.apply(branchInputs[i]!, ctx));
      const next = this.branches.map((b, i) =>
        level.perBranch.get(b)!.gate.mix(branchInputs[i]!, tf.concat([shared, own[i]!], shared.rank - 2)),
      );
      sharedInput = level.sharedGate!.mix(sharedInput, tf.concat([shared, ...own], shared.rank - 2));
      branchInputs = next;
    }
    const last = this.levels[this.levels.length - 1]!;
    return [...branchInputs, last.shared.apply(sharedInput, ctx)];
  }

  branchInput(representation: tf.Tensor[], branch: string, ctx: ForwardContext): tf.Tensor {
    const i = this.branches.indexOf(branch);
    const input = representation[i]!;
    const shared = representation[representation.length - 1]!;
    const { experts, gate } = this.levels[this.levels.length - 1]!.perBranch.get(branch)!;
    return tf.tidy(() => gate.mix(input, tf.concat([shared, experts.apply(input, ctx)], shared.rank - 2)));
  }

  sharedParameters(): Parameter[] {
    const below = this.levels
      .slice(0, -1)
      .flatMap((level) => [
        ...level.shared.parameters(),
        ...this.branches.flatMap((b) => [...level.perBranch.get(b)!.experts.parameters(), ...level.perBranch.get(b)!.gate.parameters()]),
        ...level.sharedGate!.parameters(),
      ]);
    return [...below, ...this.levels[this.levels.length - 1]!.shared.parameters()];
  }

  branchParameters(branch: string): Parameter[] {
    const { experts, gate } = this.levels[this.levels.length - 1]!.perBranch.get(branch)!;
    return [...experts.parameters(), ...gate.parameters()];
  }

  parameters(): Parameter[] {
    return [...this.sharedParameters(), ...this.branches.flatMap((b) => this.branchParameters(b))];
  }

  // --- read-only view for the Keras export (packages/core/src/export) ---
  exportSpec(): { readonly levels: readonly PleLevel[] } {
    return { levels: this.levels };
  }
}

/** One PLE level as the export reads it: shared experts, each branch's experts and gate, the shared gate below the last level. */
export interface PleLevel {
  readonly shared: ExpertGroup;
  readonly perBranch: ReadonlyMap<string, { readonly experts: ExpertGroup; readonly gate: Gate }>;
  readonly sharedGate: Gate | undefined;
}
