import * as tf from '@tensorflow/tfjs';

/** What a task's `exportOutput` gets besides its heads' logits. */
export interface TaskExportContext {
  /** Name the task's last layer must carry: the exported model's output is named by task. */
  readonly outputName: string;
  /** A unique layer name for any layer before the last. */
  layerName(hint: string): string;
}

/** The export of a task whose output is its one head's logits through `activation` (binary, multiclass, regression). */
export function activatedHead(activation: 'sigmoid' | 'softmax' | 'linear') {
  return (heads: tf.SymbolicTensor[], ctx: TaskExportContext): tf.SymbolicTensor =>
    tf.layers.activation({ activation, name: ctx.outputName }).apply(heads[0]!) as tf.SymbolicTensor;
}

/** The export of a task whose output is the product of its heads' sigmoids (ESMM's pCTCVR = pCTR × pCVR). */
export function productOfSigmoids(heads: tf.SymbolicTensor[], ctx: TaskExportContext): tf.SymbolicTensor {
  const probabilities = heads.map(
    (h, i) =>
      tf.layers.activation({ activation: 'sigmoid', name: ctx.layerName(`${ctx.outputName}/sigmoid_${i}`) }).apply(h) as tf.SymbolicTensor,
  );
  return tf.layers.multiply({ name: ctx.outputName }).apply(probabilities) as tf.SymbolicTensor;
}
