export { type ComponentConfig, createModel, type ModelConfig, MultiTaskModel } from './multi-task-model.js';
