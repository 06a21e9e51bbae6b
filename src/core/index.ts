/** Public API of the magnitude core (pure: no I/O). */
export { magArea, magAreaScaled, magAreaSimpson, magDiff, trapezoid } from "./area.js";
export { backSubstitution, choleskyInPlace, forwardSubstitution } from "./cholesky.js";
export { type DedupResult, dedupRows } from "./dedup.js";
export { dimensionProfile, dimensionProfileCentral, magnitudeDimension } from "./dimension.js";
export {
  DIMENSION_FIT_DEFAULTS,
  type DimensionFit,
  type DimensionFitOptions,
  fitDimension,
} from "./dimension-fit.js";
export {
  type EvaluatedDimensionFit,
  evaluateDimensionFit,
  type FitScaleOptions,
} from "./dimension-fit-scales.js";
export type { DistanceMatrix } from "./distance-matrix.js";
export { offDiagonalStats, pairwiseDistances } from "./distances.js";
export type { DistanceContext, MagnitudeEngine } from "./engine.js";
export { engineFor } from "./engines.js";
export * from "./errors.js";
export { linearGrid, logGrid, makeGrid } from "./grid.js";
export {
  type BudgetCheck,
  checkMemoryBudget,
  largestFittingN,
  MAX_WASM_MEMORY,
  type MemoryNeed,
  profileMemoryNeed,
} from "./memory-budget.js";
export { computeProfile, type MagnitudeOptions, magnitudeAt, magnitudeFunction, tConvOf } from "./profile.js";
export { computeProfileOfDistances } from "./profile-distances.js";
export { similarityMatrix } from "./similarity.js";
export { type MagnitudeAtScale, magnitudeAtScale, type SolveOptions } from "./solve.js";
export { findTConv, Q_ONE_GAP, type TConvResult, targetMagnitude } from "./tconv.js";
export type * from "./types.js";
export { pointCloudFromRows, validatePointCloud, validateQ, validateScale } from "./validate.js";
