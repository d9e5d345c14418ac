import * as tf from '@tensorflow/tfjs';
import type { Activation } from '../nn/activations.js';
import type { BatchNorm } from '../nn/batch-norm.js';
import type { Conv2d } from '../nn/conv2d.js';
import type { Dense } from '../nn/dense.js';
import type { FieldEmbedding } from '../nn/embedding.js';
import type { BiLstm, Lstm } from '../nn/lstm.js';
import type { Mlp } from '../nn/mlp.js';
import { FieldOffset, GeluTanh, MaskedMean } from './custom-layers.js';
import type { ExportGraph } from './graph.js';

type Symbolic = tf.SymbolicTensor;

/** Polytask activation → tfjs-layers activation name; `gelu` (tanh approximation) is the GeluTanh layer instead. */
const ACTIVATIONS: Record<Exclude<Activation, 'gelu'>, string> = {
  linear: 'linear',
  relu: 'relu',
  sigmoid: 'sigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
};

type ActivationIdentifier = NonNullable<Parameters<typeof tf.layers.dense>[0]['activation']>;

/** A Polytask Dense as a stock Dense layer named after its parameters (`trunk/mlp/dense_0` → `trunk.mlp.dense_0`). */
export function denseLayer(g: ExportGraph, dense: Dense, x: Symbolic, activation: Activation = dense.activation): Symbolic {
  const layer = tf.layers.dense({
    units: dense.units,
    activation: (activation === 'gelu' ? 'linear' : ACTIVATIONS[activation]) as ActivationIdentifier,
    useBias: dense.bias !== undefined,
    name: g.layerName(dense.name),
  });
  const y = g.apply<Symbolic>(layer, x, dense.parameters());
  return activation === 'gelu' ? g.apply(new GeluTanh({ name: g.layerName(`${dense.name}/gelu`) }), y) : y;
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

/** BatchNorm (inference: the running statistics) as stock BatchNormalization over the last axis. */
export function batchNormLayer(g: ExportGraph, bn: BatchNorm, x: Symbolic): Symbolic {
  const layer = tf.layers.batchNormalization({ axis: -1, momentum: bn.momentum, epsilon: bn.epsilon, name: g.layerName(bn.name) });
  return g.apply(layer, x, bn.parameters());
}

/** Conv2d (NHWC) as stock Conv2D; a numeric padding p becomes ZeroPadding2D(p) before a 'valid' convolution. */
export function conv2dLayers(g: ExportGraph, conv: Conv2d, x: Symbolic): Symbolic {
  const p = conv.padding;
  const input =
    typeof p === 'number' && p > 0
      ? g.apply<Symbolic>(tf.layers.zeroPadding2d({ padding: p, name: g.layerName(`${conv.name}/pad`) }), x)
      : x;
  const layer = tf.layers.conv2d({
    filters: conv.outChannels,
    kernelSize: conv.kernelSize,
    strides: conv.stride,
    padding: typeof p === 'number' ? 'valid' : p,
    dilationRate: conv.dilation,
    activation: conv.activation,
    useBias: conv.bias !== undefined,
    dataFormat: 'channelsLast',
    name: g.layerName(conv.name),
  });
  return g.apply(layer, input, conv.parameters());
}

function lstmArgs(lstm: Lstm, name: string) {
  // Polytask's cell: sigmoid gates (tfjs' default recurrent activation is hard_sigmoid), tanh, gates i, f, g, o
  return { units: lstm.units, activation: 'tanh', recurrentActivation: 'sigmoid', returnSequences: true, name } as const;
}

/** A forward Lstm [B, L, in] → [B, L, H] as stock LSTM (return_sequences). A lone reversed one has no stock twin. */
export function lstmLayer(g: ExportGraph, lstm: Lstm, x: Symbolic): Symbolic {
  if (lstm.reverse) throw new Error(`export: "${lstm.name}" is a reversed LSTM on its own; export it as half of a BiLstm`);
  return g.apply(tf.layers.lstm(lstmArgs(lstm, g.layerName(lstm.name))), x, lstm.parameters());
}

/** BiLstm [B, L, in] → [B, L, 2H] as stock Bidirectional(LSTM, merge 'concat'), forward weights then backward. */
export function biLstmLayer(g: ExportGraph, bi: BiLstm, x: Symbolic): Symbolic {
  const name = g.layerName(bi.name);
  const layer = tf.layers.bidirectional({
    layer: tf.layers.lstm(lstmArgs(bi.forward, `${name}_lstm`)) as tf.RNN,
    mergeMode: 'concat',
    name,
  });
  return g.apply(layer, x, bi.parameters());
}
