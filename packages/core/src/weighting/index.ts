import { createEw } from './ew.js';
import { weightingRegistry } from './weighting.js';

weightingRegistry.register('EW', createEw);

export {
  type GradientCombination,
  type GradientMode,
  type GradientWeighting,
  type LossCombination,
  type LossWeighting,
  type Weighting,
  type WeightingBuildContext,
  type WeightingContext,
  type WeightingFactory,
  noState,
  weightingRegistry,
} from './weighting.js';
export { createEw } from './ew.js';
