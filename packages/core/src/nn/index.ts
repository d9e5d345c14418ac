export { type Activation, activate } from './activations.js';
export { BatchNorm, type BatchNormOptions } from './batch-norm.js';
export { Conv2d, type Conv2dOptions } from './conv2d.js';
export { Dense, type DenseOptions } from './dense.js';
export { dropout } from './dropout.js';
export { FieldEmbedding } from './embedding.js';
export { embeddingUniform, glorotUniform, heUniform } from './init.js';
export { BiLstm, Lstm, type LstmOptions } from './lstm.js';
export { Mlp, type MlpOptions } from './mlp.js';
export {
  collectParameters,
  createParameter,
  disposeModule,
  type ForwardContext,
  INFERENCE,
  type Module,
  type Parameter,
  trainableVariables,
} from './module.js';
