import * as tf from '@tensorflow/tfjs';
import type { Batch } from '../data/dataset.js';
import type { MultiTaskModel } from '../model/multi-task-model.js';
import type { ForwardContext, Parameter } from '../nn/module.js';
import { clipByGlobalNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { ParameterLayout } from '../params/parameter-layout.js';
import { type TaskSpec, taskLabelKey, taskTargets } from '../tasks/task-spec.js';
import type { GradientMode, GradientWeighting, Weighting, WeightingContext } from '../weighting/weighting.js';
import type { Reducer } from './reducer.js';

export interface StepOptions {
  readonly lr: number;
  readonly clipNorm: number;
  /** Compute the pairwise cosine of task gradients on the shared parameters this step. */
  readonly monitorCosines: boolean;
  readonly weighting: WeightingContext;
  /** Seed of this step's stochastic layers (the same for every per-task pass of the step). */
  readonly seed: number;
}

export interface StepResult {
  /** Per-task loss before the update, in `tasks` order. */
  readonly losses: number[];
  readonly weights: number[];
  readonly cosines?: number[][];
  readonly gradientNorm?: number;
}

/** Masked loss of one task on a batch from its output. */
export function taskLoss(task: TaskSpec, output: tf.Tensor, batch: Batch): tf.Scalar {
  const targets = taskTargets(task, batch);
  if (!targets) throw new Error(`batch has no labels "${taskLabelKey(task)}" for task "${task.name}"`);
  return task.loss!(output, targets);
}

/** Pairwise cosine similarity of the rows of a [T, D] matrix. */
export function rowCosines(g: tf.Tensor2D): number[][] {
  const gram = tf.tidy(() => tf.matMul(g, g, false, true));
  const v = gram.arraySync() as number[][];
  gram.dispose();
  return v.map((row, i) => row.map((x, j) => x / Math.sqrt(Math.max(v[i]![i]! * v[j]![j]!, 1e-30))));
}

/**
 * One optimisation step of the joint optimizer: forward, per-task losses, the weighting's combination of
 * losses (loss methods) or of per-task gradients (gradient methods, in parameter or representation mode),
 * then clip and apply. Head parameters only ever receive their own task's gradient.
 */
export class JointStep {
  readonly mode: GradientMode | 'loss';
  private readonly weightingParams: Parameter[];
  /** Shared parameters above the representation (heads read by several tasks, e.g. ESMM's CTR tower). */
  private readonly sharedBranchLayout: ParameterLayout;
  private readonly encoderLayout: ParameterLayout;

  constructor(
    readonly model: MultiTaskModel,
    readonly tasks: readonly TaskSpec[],
    readonly weighting: Weighting,
    readonly optimizer: Optimizer,
    readonly reducer: Reducer,
    mode?: GradientMode,
  ) {
    this.weightingParams = weighting.parameters();
    if (weighting.kind === 'loss') {
      this.mode = 'loss';
    } else {
      const chosen = mode ?? weighting.modes[0]!;
      if (!weighting.modes.includes(chosen)) {
        throw new Error(`weighting ${weighting.name} does not support gradient mode "${chosen}" (valid: ${weighting.modes.join(', ')})`);
      }
      this.mode = chosen;
    }
    const encoder = new Set([...model.trunk.parameters(), ...model.architecture.sharedParameters()].map((p) => p.variable));
    const shared = model.sharedLayout.parameters;
    this.encoderLayout = new ParameterLayout(shared.filter((p) => encoder.has(p.variable)));
    if (this.mode === 'representation' && this.encoderLayout.variables.length === 0) {
      throw new Error(
        `gradient mode "representation" needs shared parameters below the representation (this trunk and architecture have none); use "parameters"`,
      );
    }
    this.sharedBranchLayout = new ParameterLayout(shared.filter((p) => !encoder.has(p.variable)));
  }

  run(batch: Batch, options: StepOptions): StepResult {
    const result =
      this.mode === 'loss'
        ? this.lossStep(batch, options)
        : this.mode === 'parameters'
          ? this.parameterStep(batch, options)
          : this.representationStep(batch, options);
    const w = this.weighting;
    if (w.afterStep) {
      w.afterStep(options.weighting, result.losses, () => this.evaluateLosses(batch, options.seed));
    }
    return result;
  }

  /** Loss values of the batch with the current weights (same dropout seed as the step). */
  evaluateLosses(batch: Batch, seed: number): number[] {
    const values = tf.tidy(() => {
      const outputs = this.model.taskOutputs(
        this.model.encode(batch.inputs, { training: true, seed }),
        { training: true, seed },
        this.tasks,
      );
      return tf.stack(this.tasks.map((t) => taskLoss(t, outputs[t.name]!, batch)));
    });
    const out = Array.from(values.dataSync());
    values.dispose();
    return this.reducer.reduceLosses(out);
  }

  private ctx(options: StepOptions): ForwardContext {
    return { training: true, seed: options.seed };
  }

  /** Parameters the optimizer updates, in its order: shared, each task's, the weighting's. */
  private optimizerOrder(): Parameter[] {
    return [...this.optimizer.parameters];
  }

  private apply(gradByVariable: Map<tf.Variable, tf.Tensor>, options: StepOptions): number | undefined {
    const raw: Array<tf.Tensor | undefined> = this.optimizerOrder().map((p) => gradByVariable.get(p.variable));
    let grads = raw;
    let norm: number | undefined;
    if (options.clipNorm > 0) ({ grads, norm } = clipByGlobalNorm(raw, options.clipNorm));
    this.optimizer.apply(grads, options.lr);
    const owned = new Set<tf.Tensor>([...gradByVariable.values(), ...grads.filter((g): g is tf.Tensor => g !== undefined)]);
    tf.dispose([...owned]);
    return norm;
  }

  private lossStep(batch: Batch, options: StepOptions): StepResult {
    const ctx = this.ctx(options);
    const variables = this.optimizerOrder().map((p) => p.variable);
    let lossTensor: tf.Tensor | undefined;
    let weights: number[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const outputs = this.model.forward(batch.inputs, ctx);
      const losses = this.tasks.map((t) => taskLoss(t, outputs[t.name]!, batch));
      lossTensor = tf.keep(tf.stack(losses));
      const combined = (this.weighting as Extract<Weighting, { kind: 'loss' }>).combineLosses(losses, options.weighting);
      weights = combined.weights;
      return combined.total;
    }, variables);
    value.dispose();
    const losses = this.reducer.reduceLosses(Array.from(lossTensor!.dataSync()));
    lossTensor!.dispose();
    const byVariable = new Map<tf.Variable, tf.Tensor>();
    for (const v of variables) {
      const g = grads[v.name];
      if (g) byVariable.set(v, this.reducer.size > 1 ? this.reduced(g) : g);
    }
    const cosines = options.monitorCosines ? this.sharedCosines(batch, options) : undefined;
    const gradientNorm = this.apply(byVariable, options);
    return { losses, weights, cosines, gradientNorm };
  }

  private reduced(g: tf.Tensor): tf.Tensor {
    const r = this.reducer.reduceGradients(g);
    g.dispose();
    return r;
  }

  /** Cosines of per-task gradients on the shared parameters (extra passes; loss methods only when asked). */
  private sharedCosines(batch: Batch, options: StepOptions): number[][] {
    const perTask = this.perTaskGradients(batch, options, this.model.sharedLayout, false);
    const cos = rowCosines(perTask.matrix);
    perTask.dispose();
    return cos;
  }

  /**
   * Per-task gradients: row t of `matrix` = gradient of task t's (transformed) loss w.r.t. `layout`;
   * `own` = gradients of the task's own parameters (and the weighting's) when `withOwn`.
   */
  private perTaskGradients(batch: Batch, options: StepOptions, layout: ParameterLayout, withOwn: boolean) {
    const ctx = this.ctx(options);
    const own = new Map<tf.Variable, tf.Tensor>();
    const losses: number[] = [];
    const rows: tf.Tensor1D[] = [];
    const w = this.weighting;
    this.tasks.forEach((task, t) => {
      const taskVars = withOwn
        ? [...(this.model.taskLayouts.get(task.name)?.variables ?? []), ...this.weightingParams.map((p) => p.variable)]
        : [];
      const variables = [...layout.variables, ...taskVars];
      let lossValue: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        const outputs = this.model.taskOutputs(this.model.encode(batch.inputs, ctx), ctx, [task]);
        const loss = taskLoss(task, outputs[task.name]!, batch);
        lossValue = tf.keep(loss.clone());
        return this.transformed(w, loss, t, options);
      }, variables);
      value.dispose();
      losses.push(lossValue!.dataSync()[0]!);
      lossValue!.dispose();
      rows.push(layout.flatten(layout.variables.map((v) => grads[v.name])));
      for (const v of taskVars) {
        const g = grads[v.name];
        if (!g) continue;
        const prev = own.get(v);
        own.set(v, prev ? tf.tidy(() => tf.add(prev, g)) : g);
        if (prev) {
          prev.dispose();
          g.dispose();
        }
      }
      tf.dispose(layout.variables.map((v) => grads[v.name]).filter((g): g is tf.Tensor => g !== undefined));
    });
    const stacked = tf.stack(rows) as tf.Tensor2D;
    tf.dispose(rows);
    const matrix = this.reducer.size > 1 ? (this.reduced(stacked) as tf.Tensor2D) : stacked;
    return {
      matrix,
      own,
      losses: this.reducer.reduceLosses(losses),
      dispose: () => {
        matrix.dispose();
        tf.dispose([...own.values()]);
      },
    };
  }

  /** Task t's loss after the weighting's per-task transform (IMTL-L scales, log losses), if it has one. */
  private transformed(w: Weighting, loss: tf.Scalar, t: number, options: StepOptions): tf.Scalar {
    if (w.kind !== 'gradient' || !w.transformLosses) return loss;
    // transformLosses is elementwise: entry t depends on losses[t] only; the others are placeholders.
    const all = this.tasks.map((_, i) => (i === t ? loss : tf.scalar(1)));
    return w.transformLosses(all, options.weighting)[t]!;
  }

  private parameterStep(batch: Batch, options: StepOptions): StepResult {
    const layout = this.model.sharedLayout;
    const perTask = this.perTaskGradients(batch, options, layout, true);
    const cosines = options.monitorCosines ? rowCosines(perTask.matrix) : undefined;
    const segments = layout.parameters.map((p) => ({ name: p.name, size: p.variable.size }));
    const combined = (this.weighting as GradientWeighting).combineGradients(perTask.matrix, perTask.losses, {
      ...options.weighting,
      segments,
    });
    const sharedGrads = layout.unflatten(combined.direction);
    combined.direction.dispose();
    // Own (head and weighting) gradients are per rank; the shared ones come from the already reduced matrix.
    const byVariable = new Map([...perTask.own].map(([v, g]) => [v, this.reducer.size > 1 ? this.reduced(g) : g] as const));
    for (const [i, v] of layout.variables.entries()) byVariable.set(v, sharedGrads[i]!);
    perTask.matrix.dispose();
    const gradientNorm = this.apply(byVariable, options);
    return { losses: perTask.losses, weights: combined.weights, cosines, gradientNorm };
  }

  /**
   * Representation mode in one forward and one backward pass. The shared representation goes through a custom op that
   * hands each task its own copy (row t of a [T, D] tensor); autodiff therefore delivers the per-task representation
   * gradients to that op's backward as one [T, D] matrix, where the weighting combines them, and the combined
   * direction continues into the encoder. Heads and shared parameters above the representation get the plain sum of their tasks'
   * gradients.
   */
  private representationStep(batch: Batch, options: StepOptions): StepResult {
    const ctx = this.ctx(options);
    const w = this.weighting as GradientWeighting;
    const taskLosses: tf.Tensor[] = [];
    let combination: { weights: number[]; losses: number[] } | undefined;
    // The rows are gradients of this rank's samples' representations: combined locally (with the mean losses), while
    // the parameter gradients they lead to are averaged over ranks like every other gradient.
    const combineRows = (matrix: tf.Tensor2D, representation: tf.Tensor[]): tf.Tensor1D => {
      const losses = this.reducer.reduceLosses(taskLosses.map((l) => l.dataSync()[0]!));
      const combined = w.combineGradients(matrix, losses, { ...options.weighting, representation });
      combination = { weights: combined.weights, losses };
      return combined.direction;
    };
    const headSideVars = [
      ...new Set([
        ...this.tasks.flatMap((t) => this.model.taskLayouts.get(t.name)?.variables ?? []),
        ...this.sharedBranchLayout.variables,
        ...this.weightingParams.map((p) => p.variable),
      ]),
    ];
    const { value, grads } = tf.variableGrads(() => {
      const representation = this.model.encode(batch.inputs, ctx);
      const perTask = perTaskCopies(representation, this.tasks.length, combineRows);
      const transformed = this.tasks.map((task, t) => {
        const outputs = this.model.taskOutputs(perTask[t]!, ctx, [task]);
        const loss = taskLoss(task, outputs[task.name]!, batch);
        taskLosses.push(tf.keep(loss.clone()));
        return this.transformed(w, loss, t, options);
      });
      return tf.addN(transformed) as tf.Scalar;
    }, [...this.encoderLayout.variables, ...headSideVars]);
    value.dispose();
    tf.dispose(taskLosses);
    if (!combination) {
      tf.dispose(Object.values(grads));
      throw new Error('representation mode: no gradient reached the shared representation');
    }
    const byVariable = new Map<tf.Variable, tf.Tensor>();
    for (const v of [...this.encoderLayout.variables, ...headSideVars]) {
      const g = grads[v.name];
      if (g) byVariable.set(v, this.reducer.size > 1 ? this.reduced(g) : g);
    }
    // Monitoring compares task gradients on the shared parameters in every mode (extra per-task passes, at the interval).
    const cosines = options.monitorCosines ? this.sharedCosines(batch, options) : undefined;
    const gradientNorm = this.apply(byVariable, options);
    return { losses: combination.losses, weights: combination.weights, gradientNorm, cosines };
  }
}

/**
 * `copies` copies of the tensors `xs` (copy t = row t of one packed [copies, D] tensor, D = their total size), as one
 * differentiable op whose backward receives the gradient of every copy as the rows of a [copies, D] matrix and
 * returns `combine(matrix, xs)` (a [D] direction) split back into the shapes of `xs`.
 */
function perTaskCopies(xs: tf.Tensor[], copies: number, combine: (rows: tf.Tensor2D, xs: tf.Tensor[]) => tf.Tensor1D): tf.Tensor[][] {
  const sizes = xs.map((x) => x.size);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);
  // Slices, not tf.split: split's gradient fails when only some of its outputs are used.
  const unpack = (flat: tf.Tensor1D) => xs.map((x, i) => tf.reshape(tf.slice(flat, [offsets[i]!], [sizes[i]!]), x.shape));
  // biome-ignore lint/suspicious/noExplicitAny: tf.customGrad's typing cannot express (…inputs, save)
  const body: any = (...args: unknown[]) => {
    const inputs = args.slice(0, xs.length) as tf.Tensor[];
    (args[xs.length] as tf.GradSaveFunc)(inputs); // customGrad's save function: keeps them for the backward
    return {
      value: tf.tile(
        tf.concat(
          inputs.map((x) => tf.reshape(x, [1, -1])),
          1,
        ),
        [copies, 1],
      ),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => unpack(combine(dy as tf.Tensor2D, saved)),
    };
  };
  const packed = (tf.customGrad(body) as unknown as (...inputs: tf.Tensor[]) => tf.Tensor2D)(...xs);
  return Array.from({ length: copies }, (_, t) => unpack(tf.reshape(tf.slice(packed, [t, 0], [1, total]), [total])));
}
