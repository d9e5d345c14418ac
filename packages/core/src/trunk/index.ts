import { EmbeddingTrunk, EmbeddingTrunkOptions } from './embedding-trunk.js';
import { IdentityTrunk, IdentityTrunkOptions } from './identity-trunk.js';
import { MlpTrunk, MlpTrunkOptions } from './mlp-trunk.js';
import { trunkRegistry } from './trunk.js';

trunkRegistry.register('mlp', (options, ctx) => new MlpTrunk(options, ctx), { options: MlpTrunkOptions });
trunkRegistry.register('embedding', (options, ctx) => new EmbeddingTrunk(options, ctx), { options: EmbeddingTrunkOptions });
trunkRegistry.register('identity', (options, ctx) => new IdentityTrunk(options, ctx), { options: IdentityTrunkOptions });

export { EmbeddingTrunk, EmbeddingTrunkOptions, type EmbeddingTrunkParts } from './embedding-trunk.js';
export { IdentityTrunk } from './identity-trunk.js';
export { MlpTrunk, MlpTrunkOptions } from './mlp-trunk.js';
export {
  type DataSpec,
  type InputSpec,
  type Inputs,
  type Trunk,
  type TrunkBuildContext,
  type TrunkFactory,
  trunkRegistry,
} from './trunk.js';
