export { type Activation, activate } from './activations.js';
export { Dense, type DenseOptions } from './dense.js';
export { dropout } from './dropout.js';
export { FieldEmbedding } from './embedding.js';
export { embeddingUniform, glorotUniform, heUniform } from './init.js';
export { Mlp, type MlpOptions } from './mlp.js';
export {
  type ForwardContext,
  INFERENCE,
  type Module,
  type Parameter,
  collectParameters,
  createParameter,
  disposeModule,
  trainableVariables,
} from './module.js';
