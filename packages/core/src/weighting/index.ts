import type { z } from 'zod';
import { AlignedMtlOptions, createAlignedMtl } from './aligned-mtl.js';
import { CaGradOptions, createCaGrad } from './cagrad.js';
import { createDbMtl, DbMtlOptions } from './db-mtl.js';
import { createDwa, DwaOptions } from './dwa.js';
import { createEw } from './ew.js';
import { createFamo, FamoOptions } from './famo.js';
import { createGls, GlsOptions } from './gls.js';
import { createGradDrop, GradDropOptions } from './graddrop.js';
import { createGradNorm, GradNormOptions } from './gradnorm.js';
import { createGradVac, GradVacOptions } from './gradvac.js';
import { createImtl, ImtlOptions } from './imtl.js';
import { createMgda, createMgdaUb, MgdaOptions } from './mgda.js';
import { createNashMtl, NashMtlOptions } from './nash-mtl.js';
import { createPcGrad, PcGradOptions } from './pcgrad.js';
import { createRlw, RlwOptions } from './rlw.js';
import { createStch, StchOptions } from './stch.js';
import { createUpGrad, UpGradOptions } from './upgrad.js';
import { createUw, UwOptions } from './uw.js';
import { type WeightingFactory, weightingRegistry } from './weighting.js';

/** LibMTL names, plus dashed aliases where LibMTL's docs/papers spell them that way. */
const methods: ReadonlyArray<readonly [string, WeightingFactory, z.ZodType?]> = [
  ['EW', createEw],
  ['UW', createUw, UwOptions],
  ['DWA', createDwa, DwaOptions],
  ['GLS', createGls, GlsOptions],
  ['RLW', createRlw, RlwOptions],
  ['FAMO', createFamo, FamoOptions],
  ['STCH', createStch, StchOptions],
  ['GradNorm', createGradNorm, GradNormOptions],
  ['DB_MTL', createDbMtl, DbMtlOptions],
  ['DB-MTL', createDbMtl, DbMtlOptions],
  ['MGDA', createMgda, MgdaOptions],
  ['MGDA-UB', createMgdaUb, MgdaOptions],
  ['PCGrad', createPcGrad, PcGradOptions],
  ['GradVac', createGradVac, GradVacOptions],
  ['GradDrop', createGradDrop, GradDropOptions],
  ['CAGrad', createCaGrad, CaGradOptions],
  ['IMTL', createImtl, ImtlOptions],
  ['Nash_MTL', createNashMtl, NashMtlOptions],
  ['Nash-MTL', createNashMtl, NashMtlOptions],
  ['Aligned_MTL', createAlignedMtl, AlignedMtlOptions],
  ['Aligned-MTL', createAlignedMtl, AlignedMtlOptions],
  ['UPGrad', createUpGrad, UpGradOptions],
];
for (const [name, factory, options] of methods) weightingRegistry.register(name, factory, { options });

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
