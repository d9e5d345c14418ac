import { createAlignedMtl } from './aligned-mtl.js';
import { createCaGrad } from './cagrad.js';
import { createDbMtl } from './db-mtl.js';
import { createDwa } from './dwa.js';
import { createEw } from './ew.js';
import { createFamo } from './famo.js';
import { createGls } from './gls.js';
import { createGradDrop } from './graddrop.js';
import { createGradNorm } from './gradnorm.js';
import { createGradVac } from './gradvac.js';
import { createImtl } from './imtl.js';
import { createMgda, createMgdaUb } from './mgda.js';
import { createNashMtl } from './nash-mtl.js';
import { createPcGrad } from './pcgrad.js';
import { createRlw } from './rlw.js';
import { createStch } from './stch.js';
import { createUpGrad } from './upgrad.js';
import { createUw } from './uw.js';
import { type WeightingFactory, weightingRegistry } from './weighting.js';

/** LibMTL names, plus dashed aliases where LibMTL's docs/papers spell them that way. */
const methods: ReadonlyArray<readonly [string, WeightingFactory]> = [
  ['EW', createEw],
  ['UW', createUw],
  ['DWA', createDwa],
  ['GLS', createGls],
  ['RLW', createRlw],
  ['FAMO', createFamo],
  ['STCH', createStch],
  ['GradNorm', createGradNorm],
  ['DB_MTL', createDbMtl],
  ['DB-MTL', createDbMtl],
  ['MGDA', createMgda],
  ['MGDA-UB', createMgdaUb],
  ['PCGrad', createPcGrad],
  ['GradVac', createGradVac],
  ['GradDrop', createGradDrop],
  ['CAGrad', createCaGrad],
  ['IMTL', createImtl],
  ['Nash_MTL', createNashMtl],
  ['Nash-MTL', createNashMtl],
  ['Aligned_MTL', createAlignedMtl],
  ['Aligned-MTL', createAlignedMtl],
  ['UPGrad', createUpGrad],
];
for (const [name, factory] of methods) weightingRegistry.register(name, factory);

export { AlignedMtlOptions, alignedMtlWeights, createAlignedMtl } from './aligned-mtl.js';
export { CaGradOptions, createCaGrad } from './cagrad.js';
export { createDbMtl, DbMtlOptions } from './db-mtl.js';
export { createDwa, DwaOptions } from './dwa.js';
export { createEw } from './ew.js';
export { createFamo, FamoOptions } from './famo.js';
export { createGls, GlsOptions } from './gls.js';
export { combineRows, cosinesFromGram, gradientCosines, gramMatrix } from './grad-utils.js';
export { createGradDrop, GradDropOptions } from './graddrop.js';
export { createGradNorm, GradNormOptions } from './gradnorm.js';
export { createGradVac, GradVacOptions } from './gradvac.js';
export { createImtl, ImtlOptions, imtlGWeights } from './imtl.js';
export { createMgda, createMgdaUb, MgdaOptions } from './mgda.js';
export { createNashMtl, NashMtlOptions } from './nash-mtl.js';
export { parseOptions } from './options.js';
export { createPcGrad, PcGradOptions } from './pcgrad.js';
export { createRlw, RlwOptions } from './rlw.js';
export { projectOntoDualCone } from './solvers/dual-cone-qp.js';
export { symmetricEigen } from './solvers/jacobi-eigen.js';
export { solveLinear } from './solvers/linear-solve.js';
export { minNormPoint, minNormTwo } from './solvers/min-norm.js';
export { solveNashBargaining } from './solvers/nash-solver.js';
export { minimizeOnSimplex } from './solvers/simplex-minimize.js';
export { projectOntoSimplex } from './solvers/simplex-projection.js';
export { createStch, StchOptions } from './stch.js';
export { createUpGrad, UpGradOptions, upgradWeights } from './upgrad.js';
export { createUw, UwOptions } from './uw.js';
export {
  type GradientCombination,
  type GradientMode,
  type GradientWeighting,
  type LossCombination,
  type LossWeighting,
  noState,
  type Weighting,
  type WeightingBuildContext,
  type WeightingContext,
  type WeightingFactory,
  weightingRegistry,
} from './weighting.js';
