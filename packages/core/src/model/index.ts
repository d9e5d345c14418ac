export { type ComponentConfig, type ModelConfig, MultiTaskModel, createModel } from './multi-task-model.js';
