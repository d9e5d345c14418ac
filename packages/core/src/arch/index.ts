import { architectureRegistry } from './architecture.js';
import { CrossStitch } from './cross-stitch.js';
import { HardSharing } from './hard-sharing.js';
import { Mmoe } from './mmoe.js';
import { Ple } from './ple.js';

architectureRegistry.register('hard', (options, ctx) => new HardSharing(options, ctx));
architectureRegistry.register('mmoe', (options, ctx) => new Mmoe(options, ctx));
architectureRegistry.register('ple', (options, ctx) => new Ple(options, ctx));
architectureRegistry.register('cgc', (options, ctx) => new Ple({ ...options, levels: 1 }, ctx));
architectureRegistry.register('cross-stitch', (options, ctx) => new CrossStitch(options, ctx));

export {
  type ArchitectureBuildContext,
  type ArchitectureFactory,
  architectureRegistry,
  type SharingArchitecture,
} from './architecture.js';
export { CrossStitch, CrossStitchOptions } from './cross-stitch.js';
export { HardSharing, HardSharingOptions } from './hard-sharing.js';
export { ExpertGroup, Gate } from './mixture.js';
export { Mmoe, MmoeOptions } from './mmoe.js';
export { Ple, type PleLevel, PleOptions } from './ple.js';
