import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { Dense } from '../nn/dense.js';
import { createParameter, type ForwardContext, type Parameter } from '../nn/module.js';
import { type ArchitectureBuildContext, featureWidth, type SharingArchitecture } from './architecture.js';

export const CrossStitchOptions = z.strictObject({
  /** Layer widths of every branch's column; a cross-stitch unit follows each layer but the last. */
  units: z.array(z.number().int().positive()).min(1).default([64, 32]),
  /** Initial weight a column keeps of itself (the rest is spread over the other columns). */
  selfWeight: z.number().min(0).max(1).default(0.9),
});

/**
 * Cross-stitch networks (Misra et al., CVPR 2016): one column per branch, and after each layer a learned
 * T×T matrix mixes the columns. All columns below the last layer feed every task, so they are shared; each
 * column's last layer belongs to its branch.
 */
export class CrossStitch implements SharingArchitecture {
  readonly branches: readonly string[];
  readonly branchOutputShape: number[];
  private readonly columns: Dense[][];
  private readonly stitches: Parameter[];

  constructor(options: z.input<typeof CrossStitchOptions>, ctx: ArchitectureBuildContext) {
    const o = CrossStitchOptions.parse(options);
    const t = ctx.branches.length;
    this.branches = ctx.branches;
    const width = featureWidth(ctx.inputShape, 'cross-stitch');
    this.columns = ctx.branches.map((b) => {
      let fanIn = width;
      return o.units.map((u, l) => {
        const layer = new Dense(`${ctx.name}/${b}/dense_${l}`, fanIn, u, ctx.rng, { activation: 'relu' });
        fanIn = u;
        return layer;
      });
    });
    const off = t > 1 ? (1 - o.selfWeight) / (t - 1) : 0;
    const init = Array.from({ length: t * t }, (_, k) => (Math.floor(k / t) === k % t ? o.selfWeight : off));
    this.stitches = o.units.slice(0, -1).map((_, l) => createParameter(`${ctx.name}/stitch_${l}`, tf.tensor2d(init, [t, t])));
    this.branchOutputShape = [...ctx.inputShape.slice(0, -1), o.units[o.units.length - 1]!];
  }

  /** Representation: each column's input to its last layer. */
  encode(features: tf.Tensor, ctx: ForwardContext): tf.Tensor[] {
    let hs = this.branches.map(() => features);
    this.stitches.forEach((stitch, l) => {
      const outs = tf.stack(
        this.columns.map((col, i) => col[l]!.apply(hs[i]!, ctx)),
        0,
      ); // [T, B, ..., H]: every position is stitched alike
      const t = outs.shape[0]!;
      const mixed = tf.matMul(stitch.variable as tf.Tensor2D, outs.reshape([t, -1])).reshape(outs.shape);
      hs = tf.unstack(mixed, 0);
    });
    return hs;
  }

  branchInput(representation: tf.Tensor[], branch: string, ctx: ForwardContext): tf.Tensor {
    const i = this.branches.indexOf(branch);
    const column = this.columns[i]!;
    return column[column.length - 1]!.apply(representation[i]!, ctx);
  }

  sharedParameters(): Parameter[] {
    const lower = this.columns.flatMap((col) => col.slice(0, -1).flatMap((layer) => layer.parameters()));
    return [...lower, ...this.stitches];
  }

  branchParameters(branch: string): Parameter[] {
    const column = this.columns[this.branches.indexOf(branch)]!;
    return column[column.length - 1]!.parameters();
  }

  parameters(): Parameter[] {
    return [...this.sharedParameters(), ...this.branches.flatMap((b) => this.branchParameters(b))];
  }

  // --- read-only view for the Keras export (packages/core/src/export) ---
  /** Per branch its Dense layers; per stitch level its T×T matrix (rows: the mixed column). */
  exportSpec(): { readonly columns: readonly (readonly Dense[])[]; readonly stitches: readonly Parameter[] } {
    return { columns: this.columns, stitches: this.stitches };
  }
}
