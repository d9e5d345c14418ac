import {
  batchNormLayer,
  conv2dLayers,
  type ExportGraph,
  headExporterRegistry,
  type TaskExportContext,
  trunkExporterRegistry,
} from '@polytask/core';
import * as tf from '@tensorflow/tfjs';
import { VisionBackbone } from './backbone.js';
import type { ConvBnAct, ResidualBlock } from './conv-block.js';
import { ConvHead } from './conv-head.js';

type Symbolic = tf.SymbolicTensor;

function relu(g: ExportGraph, x: Symbolic, hint: string): Symbolic {
  return g.apply(tf.layers.reLU({ name: g.layerName(hint) }), x);
}

/** conv → BatchNormalization → ReLU, as stock layers named after the parameters. */
function convBnAct(g: ExportGraph, block: ConvBnAct, x: Symbolic): Symbolic {
  const y = batchNormLayer(g, block.bn, conv2dLayers(g, block.conv, x));
  return block.relu ? relu(g, y, `${block.bn.name}/relu`) : y;
}

function residual(g: ExportGraph, block: ResidualBlock, x: Symbolic): Symbolic {
  const y = convBnAct(g, block.second, convBnAct(g, block.first, x));
  const sum = g.apply<Symbolic>(tf.layers.add({ name: g.layerName(`${block.second.conv.name}/add`) }), [y, x]);
  return relu(g, sum, `${block.second.conv.name}/relu`);
}

/** The backbone and neck as stock Conv2D, BatchNormalization, ReLU, Add and UpSampling2D (nearest) layers. */
trunkExporterRegistry.register('vision-backbone', (trunk, g) => {
  if (!(trunk instanceof VisionBackbone))
    throw new Error(`export: the vision-backbone exporter reads a VisionBackbone, got a ${trunk.constructor.name}`);
  let x = convBnAct(g, trunk.stem, g.input(trunk.input));
  const features: Symbolic[] = [];
  for (const stage of trunk.stages) {
    x = convBnAct(g, stage.down, x);
    for (const block of stage.blocks) x = residual(g, block, x);
    features.push(x);
  }
  let top = conv2dLayers(g, trunk.laterals[features.length - 1]!, features[features.length - 1]!);
  for (let i = features.length - 2; i >= 0; i--) {
    const lateral = trunk.laterals[i]!;
    const up = g.apply<Symbolic>(
      tf.layers.upSampling2d({ size: [2, 2], interpolation: 'nearest', name: g.layerName(`${lateral.name}/up`) }),
      top,
    );
    top = g.apply(tf.layers.add({ name: g.layerName(`${lateral.name}/add`) }), [up, conv2dLayers(g, lateral, features[i]!)]);
  }
  return convBnAct(g, trunk.smooth, top);
});

/** The conv head: Conv2D (ReLU) → Conv2D, then UpSampling2D (bilinear) when it upsamples. */
headExporterRegistry.register('conv', (head, features, g) => {
  if (!(head instanceof ConvHead)) throw new Error(`export: the conv head exporter reads a ConvHead, got a ${head.constructor.name}`);
  const y = conv2dLayers(g, head.out, conv2dLayers(g, head.hidden, features));
  if (head.upsample === 1) return y;
  const layer = tf.layers.upSampling2d({
    size: [head.upsample, head.upsample],
    interpolation: 'bilinear',
    name: g.layerName(`${head.out.name}/up`),
  });
  return g.apply(layer, y);
});

/** A stock 1×1 Conv2D with fixed 0/1 weights that keeps channels [from, from + count): a channel slice in Keras terms. */
function channelSlice(x: Symbolic, from: number, count: number, name: string): Symbolic {
  const channels = x.shape[x.shape.length - 1]!;
  const layer = tf.layers.conv2d({ filters: count, kernelSize: 1, useBias: false, name });
  const y = layer.apply(x) as Symbolic;
  const kernel = new Float32Array(channels * count);
  for (let c = 0; c < count; c++) kernel[(from + c) * count + c] = 1;
  const weights = tf.tensor4d(kernel, [1, 1, channels, count]);
  layer.setWeights([weights]);
  weights.dispose();
  return y;
}

/** The detection output: sigmoid over the heatmap channels, offset and log size as they are (what `activate` does). */
export function detectionExportOutput(classes: number) {
  return (heads: Symbolic[], ctx: TaskExportContext): Symbolic => {
    const logits = heads[0]!;
    const heat = tf.layers
      .activation({ activation: 'sigmoid', name: ctx.layerName(`${ctx.outputName}/sigmoid`) })
      .apply(channelSlice(logits, 0, classes, ctx.layerName(`${ctx.outputName}/heatmap`))) as Symbolic;
    const regression = channelSlice(logits, classes, 4, ctx.layerName(`${ctx.outputName}/regression`));
    return tf.layers.concatenate({ axis: -1, name: ctx.outputName }).apply([heat, regression]) as Symbolic;
  };
}
