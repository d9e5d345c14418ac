import { architectureRegistry } from './architecture.js';
import { CrossStitch, CrossStitchOptions } from './cross-stitch.js';
import { HardSharing, HardSharingOptions } from './hard-sharing.js';
import { Mmoe, MmoeOptions } from './mmoe.js';
import { Ple, PleOptions } from './ple.js';

architectureRegistry.register('hard', (options, ctx) => new HardSharing(options, ctx), { options: HardSharingOptions });
architectureRegistry.register('mmoe', (options, ctx) => new Mmoe(options, ctx), { options: MmoeOptions });
architectureRegistry.register('ple', (options, ctx) => new Ple(options, ctx), { options: PleOptions });
architectureRegistry.register('cgc', (options, ctx) => new Ple({ ...options, levels: 1 }, ctx), {
  options: PleOptions.omit({ levels: true }),
});
architectureRegistry.register('cross-stitch', (options, ctx) => new CrossStitch(options, ctx), { options: CrossStitchOptions });

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
