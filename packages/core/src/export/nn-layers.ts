import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../nn/activations.js';
import type { Dense } from '../nn/dense.js';
import type { FieldEmbedding } from '../nn/embedding.js';
import type { Mlp } from '../nn/mlp.js';
import { FieldOffset, MaskedMean } from './custom-layers.js';
import type { ExportGraph } from './graph.js';

type Symbolic = tf.SymbolicTensor;

/** Polytask activation → tfjs-layers activation name (Polytask's gelu is the tanh approximation, tfjs' `gelu_new`). */
const ACTIVATIONS: Record<Activation, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  gelu: 'gelu_new',
};

type ActivationIdentifier = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

export function layersActivation(activation: Activation): ActivationIdentifier {
  return ACTIVATIONS[activation] as ActivationIdentifier;
}

/** A Polytask Dense as a stock Dense layer named after its parameters (`trunk/mlp/dense_0` → `trunk.mlp.dense_0`). */
export function denseLayer(g: ExportGraph, dense: Dense, x: Symbolic, activation: Activation = dense.activation): Symbolic {
  const layer = tf.layers.dense({
    units: dense.units,
    activation: layersActivation(activation),
    useBias: dense.bias !== undefined,
    name: g.layerName(dense.name),
  });
  return g.apply(layer, x, dense.parameters());
}

/** An Mlp: its Dense layers with stock Dropout between them (identity at inference, as in training's `dropout`). */
export function mlpLayers(g: ExportGraph, mlp: Mlp, x: Symbolic): Symbolic {
  let h = x;
  mlp.layers.forEach((dense, i) => {
    h = denseLayer(g, dense, h);
    if (i < mlp.layers.length - 1 && mlp.dropout > 0) {
      h = g.apply(tf.layers.dropout({ rate: mlp.dropout, name: g.layerName(`${dense.name}/dropout`) }), h);
    }
  });
  return h;
}

/** Stock Reshape to a per-sample shape. */
export function reshape(g: ExportGraph, x: Symbolic, targetShape: number[], hint: string): Symbolic {
  return g.apply(tf.layers.reshape({ targetShape, name: g.layerName(hint) }), x);
}

/** Stock Concatenate, or the tensor itself when there is one. */
export function concatenate(g: ExportGraph, xs: Symbolic[], axis: number, hint: string): Symbolic {
  if (xs.length === 1) return xs[0]!;
  return g.apply(tf.layers.concatenate({ axis, name: g.layerName(hint) }), xs);
}

/**
 * Single-valued fields: ids [B, F] → FieldOffset → stock Embedding over the shared table → [B, F·dim].
 * Multi-valued fields (`pooled`): ids [B, F, K] with −1 padding → FieldOffset (shift 1) → Embedding → MaskedMean →
 * [B, F·dim].
 */
export function fieldEmbeddingLayers(g: ExportGraph, table: FieldEmbedding, ids: Symbolic, pooled = false): Symbolic {
  const fields = table.vocabSizes.length;
  const offsets = g.apply<Symbolic>(
    new FieldOffset({ offsets: Array.from(table.offsets), shift: pooled ? 1 : 0, name: g.layerName(`${table.name}/offsets`) }),
    ids,
  );
  const embedding = tf.layers.embedding({ inputDim: table.rows, outputDim: table.dim, name: g.layerName(table.name) });
  let vectors = g.apply<Symbolic>(embedding, offsets, table.parameters());
  if (pooled) vectors = g.apply<Symbolic>(new MaskedMean({ name: g.layerName(`${table.name}/mean`) }), [vectors, ids]);
  return reshape(g, vectors, [fields * table.dim], `${table.name}/flatten`);
}
