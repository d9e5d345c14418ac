export { clipByGlobalNorm } from './clip.js';
export { Optimizer, type OptimizerState } from './optimizer.js';
export { learningRate } from './schedule.js';
