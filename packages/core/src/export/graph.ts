import * as tf from '@tensorflow/tfjs';
import type { Parameter } from '../nn/module.js';
import type { DataSpec, InputSpec } from '../trunk/trunk.js';

/** One model input of an export: the data spec's input, under a Keras-safe layer name. */
export interface ExportedInput extends InputSpec {
  // `shape` is the model input's per-sample shape: the data spec's, with a scalar ([]) as [1].
  /** The input's name in Polytask's batches (and in `encodeRecords`' result). */
  readonly name: string;
  /** Name of the tfjs/Keras input layer (`name` made Keras-safe). */
  readonly layer: string;
}

/** Keras-safe layer name: `/` (Polytask's parameter hierarchy) becomes `.`, anything unusual `_`. */
export function kerasName(hint: string): string {
  const name = hint.replaceAll('/', '.').replace(/[^A-Za-z0-9_.-]/g, '_');
  return /^[A-Za-z0-9]/.test(name) ? name : `x${name}`;
}

/**
 * A functional tfjs-layers graph under construction: model inputs created on first use from the data spec, unique
 * layer names, and the Polytask parameters each layer's weights are copied from. Exporters (trunks, architectures,
 * heads, tasks) add layers through it.
 */
export class ExportGraph {
  private readonly names = new Set<string>();
  private readonly inputTensors = new Map<string, tf.SymbolicTensor>();
  private readonly inputList: ExportedInput[] = [];
  /** tfjs weight name → Polytask parameter name. */
  readonly weightNames: Record<string, string> = {};

  constructor(readonly data: DataSpec) {}

  /** The model input named `name` in the data spec (created on first use, so unused inputs stay out of the model). */
  input(name: string): tf.SymbolicTensor {
    const existing = this.inputTensors.get(name);
    if (existing) return existing;
    const spec = this.data.inputs[name];
    if (!spec) throw new Error(`export: the data spec has no input "${name}" (inputs: ${Object.keys(this.data.inputs).join(', ')})`);
    const layer = this.layerName(name);
    // A per-sample scalar is a [batch, 1] input: Keras (and tfjs' predict) standardise rank-1 arrays to that.
    const shape = spec.shape.length === 0 ? [1] : [...spec.shape];
    const x = tf.input({ shape, dtype: spec.dtype, name: layer });
    this.inputTensors.set(name, x);
    this.inputList.push({ name, layer, shape, dtype: spec.dtype, ...(spec.vocabSizes ? { vocabSizes: [...spec.vocabSizes] } : {}) });
    return x;
  }

  /** Inputs in the order they were first used: the order of the exported model's inputs. */
  get inputs(): readonly ExportedInput[] {
    return this.inputList;
  }

  /** Keeps `name` for a later layer (task outputs are named by task). */
  reserve(name: string): string {
    if (this.names.has(name)) throw new Error(`export: layer name "${name}" is taken twice`);
    this.names.add(name);
    return name;
  }

  /** A unique Keras-safe layer name from a hint (a Polytask parameter prefix such as `trunk/mlp/dense_0`). */
  layerName(hint: string): string {
    const base = kerasName(hint);
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }

  /**
   * Applies `layer` and copies `parameters` into its weights, in the layer's weight order (Dense: kernel, bias;
   * Embedding: embeddings; ...). Shapes must match exactly: the export never reshapes a weight.
   */
  apply<T extends tf.SymbolicTensor | tf.SymbolicTensor[]>(
    layer: tf.layers.Layer,
    x: tf.SymbolicTensor | tf.SymbolicTensor[],
    parameters: readonly Parameter[] = [],
  ): T {
    const y = layer.apply(x) as T;
    const weights = layer.weights;
    if (weights.length !== parameters.length) {
      throw new Error(`export: layer "${layer.name}" has ${weights.length} weights, given ${parameters.length} parameters`);
    }
    weights.forEach((w, i) => {
      const p = parameters[i]!;
      if (w.shape.join() !== p.variable.shape.join()) {
        throw new Error(`export: parameter "${p.name}" [${p.variable.shape}] does not fit weight "${w.originalName}" [${w.shape}]`);
      }
      this.weightNames[w.originalName] = p.name;
    });
    if (parameters.length > 0) layer.setWeights(parameters.map((p) => p.variable));
    return y;
  }

  /** The functional model from the inputs used so far to `outputs`. */
  build(outputs: tf.SymbolicTensor[], name = 'polytask'): tf.LayersModel {
    return tf.model({ inputs: this.inputList.map((i) => this.inputTensors.get(i.name)!), outputs, name });
  }
}
