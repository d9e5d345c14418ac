import * as tf from '@tensorflow/tfjs';
import { architectureRegistry, type SharingArchitecture } from '../arch/index.js';
import { type Head, headRegistry } from '../heads/index.js';
import type { ForwardContext, Module, Parameter } from '../nn/module.js';
import { ParameterLayout } from '../params/parameter-layout.js';
import { isSupervised, type TaskSpec, taskHeads } from '../tasks/task-spec.js';
import { type DataSpec, type Inputs, type Trunk, trunkRegistry } from '../trunk/index.js';
import { Rng } from '../util/rng.js';

export interface ComponentConfig {
  readonly type: string;
  readonly options?: Record<string, unknown>;
}

export interface ModelConfig {
  readonly trunk: ComponentConfig;
  readonly architecture: ComponentConfig;
  /** Seed of the weight initialisation. */
  readonly seed?: number;
}

/**
 * Trunk → sharing architecture → one head per branch → task outputs.
 *
 * Parameters fall into two groups: shared (everything more than one supervised task's loss depends on) and
 * per task (the branches and heads only that task reads). Their order is fixed by construction and is the
 * order of the flat parameter layout.
 */
export class MultiTaskModel implements Module {
  readonly tasks: readonly TaskSpec[];
  readonly branches: readonly string[];
  readonly sharedLayout: ParameterLayout;
  readonly taskLayouts: ReadonlyMap<string, ParameterLayout>;
  /** All parameters (trainable and not), in checkpoint order. */
  readonly layout: ParameterLayout;

  constructor(
    readonly trunk: Trunk,
    readonly architecture: SharingArchitecture,
    readonly heads: ReadonlyMap<string, Head>,
    tasks: readonly TaskSpec[],
  ) {
    this.tasks = tasks;
    this.branches = architecture.branches;
    const readers = new Map<string, string[]>();
    for (const task of tasks.filter(isSupervised)) {
      for (const h of taskHeads(task)) readers.set(h, [...(readers.get(h) ?? []), task.name]);
    }
    // A branch's parameters: its part of the architecture, its head, and what its owning task holds itself (a CRF).
    const owner = new Map(tasks.filter((t) => t.head).map((t) => [t.name, t]));
    const branchParams = (b: string) => [
      ...architecture.branchParameters(b),
      ...heads.get(b)!.parameters(),
      ...(owner.get(b)?.parameters?.() ?? []),
    ];
    const sharedBranches = this.branches.filter((b) => (readers.get(b)?.length ?? 0) > 1);
    const shared = [...trunk.parameters(), ...architecture.sharedParameters(), ...sharedBranches.flatMap(branchParams)];
    this.sharedLayout = new ParameterLayout(shared.filter((p) => p.trainable));
    this.taskLayouts = new Map(
      tasks.filter(isSupervised).map((t) => {
        const own = taskHeads(t).filter((h) => readers.get(h)?.length === 1);
        return [t.name, new ParameterLayout(own.flatMap(branchParams).filter((p) => p.trainable))];
      }),
    );
    this.layout = new ParameterLayout([...trunk.parameters(), ...architecture.sharedParameters(), ...this.branches.flatMap(branchParams)]);
  }

  /** The shared representation of a batch. */
  encode(inputs: Inputs, ctx: ForwardContext): tf.Tensor[] {
    return this.architecture.encode(this.trunk.apply(inputs, ctx), ctx);
  }

  /** Logits of the named heads from a representation. */
  headOutputs(representation: tf.Tensor[], heads: readonly string[], ctx: ForwardContext): Map<string, tf.Tensor> {
    return new Map(heads.map((h) => [h, this.heads.get(h)!.apply(this.architecture.branchInput(representation, h, ctx), ctx)]));
  }

  /** Outputs of the given tasks (default all) from a representation. */
  taskOutputs(representation: tf.Tensor[], ctx: ForwardContext, tasks: readonly TaskSpec[] = this.tasks): Record<string, tf.Tensor> {
    const needed = [...new Set(tasks.flatMap((t) => taskHeads(t)))];
    const headOutputs = this.headOutputs(representation, needed, ctx);
    return Object.fromEntries(
      tasks.map((t) => {
        const outs = taskHeads(t).map((h) => headOutputs.get(h)!);
        return [t.name, t.combine ? t.combine(outs) : outs[0]!];
      }),
    );
  }

  forward(inputs: Inputs, ctx: ForwardContext): Record<string, tf.Tensor> {
    return this.taskOutputs(this.encode(inputs, ctx), ctx);
  }

  /** Activated predictions per task, without gradients. */
  predict(inputs: Inputs): Record<string, tf.Tensor> {
    return tf.tidy(() => {
      const outputs = this.forward(inputs, { training: false });
      return Object.fromEntries(this.tasks.map((t) => [t.name, t.activate(outputs[t.name]!)]));
    });
  }

  parameters(): Parameter[] {
    return [...this.layout.parameters];
  }

  /** Trainable variables: shared first, then each task's, the order of the optimizer state. */
  trainableParameters(): Parameter[] {
    return [...this.sharedLayout.parameters, ...[...this.taskLayouts.values()].flatMap((l) => l.parameters)];
  }

  dispose(): void {
    for (const p of this.layout.parameters) p.variable.dispose();
  }
}

/** Builds trunk, architecture and heads from registry names. Same config + seed ⇒ same initial weights. */
export function createModel(config: ModelConfig, tasks: readonly TaskSpec[], data: DataSpec): MultiTaskModel {
  const rng = new Rng(config.seed ?? 0);
  const trunk = trunkRegistry.get(config.trunk.type)(config.trunk.options ?? {}, { name: 'trunk', rng, data });
  const owners = tasks.filter((t) => t.head);
  for (const t of tasks) {
    for (const h of taskHeads(t)) {
      if (!owners.some((o) => o.name === h)) throw new Error(`task "${t.name}" reads head "${h}", which no task defines`);
    }
  }
  const headless = tasks.find((t) => !t.head && (t.parameters?.().length ?? 0) > 0);
  if (headless)
    throw new Error(`task "${headless.name}" owns parameters but no head; task-owned parameters are trained with the task's head`);
  const branches = owners.map((t) => t.name);
  const architecture = architectureRegistry.get(config.architecture.type)(config.architecture.options ?? {}, {
    name: 'arch',
    rng,
    branches,
    inputShape: trunk.outputShape,
  });
  const heads = new Map(
    owners.map((t) => [
      t.name,
      headRegistry.get(t.head!.type)(t.head!.options ?? {}, {
        name: `heads/${t.name}`,
        rng,
        inputShape: architecture.branchOutputShape,
        outputUnits: t.head!.outputUnits,
      }),
    ]),
  );
  return new MultiTaskModel(trunk, architecture, heads, tasks);
}
