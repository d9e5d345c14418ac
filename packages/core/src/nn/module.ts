import * as tf from '@tensorflow/tfjs';

/**
 * A named variable of a model. Names are hierarchical (`trunk/mlp/dense_0/kernel`) and stable across processes,
 * so checkpoints, the flat parameter layout and a future Keras export all address weights the same way.
 */
export interface Parameter {
  readonly name: string;
  readonly variable: tf.Variable;
  /** false for running statistics (batch-norm moving mean/variance): saved, never given gradients. */
  readonly trainable: boolean;
}

/** Forward-pass context: training mode switches dropout and batch-norm statistics. */
export interface ForwardContext {
  readonly training: boolean;
  /** Seed for stochastic layers in this step (dropout); derived from the run seed and the step. */
  readonly seed?: number;
}

export const INFERENCE: ForwardContext = { training: false };

/** Anything that owns variables. Order of `parameters()` is fixed by construction order. */
export interface Module {
  parameters(): Parameter[];
}

export function trainableVariables(module: Module): tf.Variable[] {
  return module
    .parameters()
    .filter((p) => p.trainable)
    .map((p) => p.variable);
}

/** Collects the parameters of child modules in order. */
export function collectParameters(...modules: Array<Module | undefined>): Parameter[] {
  return modules.flatMap((m) => (m ? m.parameters() : []));
}

/** Creates a variable with a hierarchical parameter name. tfjs variable names must be unique per process. */
let variableCounter = 0;
export function createParameter(name: string, initial: tf.Tensor, trainable = true): Parameter {
  const variable = tf.variable(initial, trainable, `${name}#${variableCounter++}`);
  initial.dispose();
  return { name, variable, trainable };
}

/** Disposes every variable of a module (models built in tests, replaced models). */
export function disposeModule(module: Module): void {
  for (const p of module.parameters()) p.variable.dispose();
}
