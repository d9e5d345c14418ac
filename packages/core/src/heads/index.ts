import { headRegistry } from './head.js';
import { MlpHead, MlpHeadOptions } from './mlp-head.js';

headRegistry.register('mlp', (options, ctx) => new MlpHead(options, ctx), { options: MlpHeadOptions });

export { type Head, type HeadBuildContext, type HeadFactory, headRegistry } from './head.js';
export { MlpHead, MlpHeadOptions } from './mlp-head.js';
