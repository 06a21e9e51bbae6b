import type { MagnitudeAtScale } from "./solve.js";
import type { TConvResult } from "./tconv.js";
import type { DistanceMetric, PointCloud, SolveInfo } from "./types.js";
import type { ScaleWarmStarts } from "./warm-start.js";

/** Everything a solving strategy needs about one (de-duplicated) cloud: its distance matrix. */
export interface DistanceContext {
  /**
   * Distance matrix of the distinct points: n×n row-major, or the layout the engine's own distances()
   * returns (mode "large": the packed lower triangle, n(n+1)/2 entries; src/core/large/packed.ts). A
   * context is only ever evaluated by the engine that made it.
   */
  readonly D: Float64Array;
  readonly n: number;
  /** Off-diagonal distance statistics (seed scales for the t_conv bracket). */
  readonly stats: { readonly min: number; readonly median: number; readonly max: number };
}

/**
 * The seam between computeProfile and a solving strategy. "exact" (src/core/exact-engine.ts) does one
 * dense factorisation per scale; a "fast" engine (src/core/fast/) may use bounds, CG and warm starts,
 * as long as every value carries an honest SolveInfo.
 */
export interface MagnitudeEngine {
  readonly mode: string;
  /** Magnitude (and weights when asked) at one scale t > 0. */
  evaluate(ctx: DistanceContext, t: number, options: { weights: boolean }): MagnitudeAtScale;
  /**
   * Magnitude at all scales of a grid (ascending, may start at 0); lets an engine warm-start.
   * `warm`: starting iterates per scale from an earlier similar cloud, and a sink for this grid's
   * iterates (src/core/warm-start.ts); an engine without iterative solves ignores it.
   * `sequence`: names the series of clouds this one belongs to (ProfileOptions.sequence); an engine may
   * keep state from one cloud of it to the next (the fast engine: f32 preconditioner factors).
   */
  evaluateScales(
    ctx: DistanceContext,
    scales: Float64Array,
    options: { weights: boolean; warm?: ScaleWarmStarts; sequence?: string },
  ): MagnitudeAtScale[];
  /**
   * Optional: the distance context of the distinct points (full n×n D, which may be built lazily on
   * first access, and its off-diagonal statistics), or null to let the core compute it. The fast engine
   * computes Euclidean distances in WebAssembly SIMD, keeps them in kernel memory and takes the median
   * from a sample.
   */
  distances?(points: PointCloud, metric: DistanceMetric): DistanceContext | null;
  /**
   * Optional: the context of a given full n×n distance matrix (computeProfileOfDistances), when the
   * engine evaluates another layout (mode "large": the packed lower triangle); else {D, n, stats} as given.
   */
  fromDistances?(D: Float64Array, n: number): DistanceContext;
  /**
   * t_conv(q) to relative tolerance rtol; throws NumericalError when not bracketed. `sequence` as for
   * evaluateScales (the fast engine starts its search where the sequence's previous t_conv lay).
   */
  tConv(
    ctx: DistanceContext,
    q: number,
    rtol: number,
    options?: { sequence?: string },
  ): TConvResult & { readonly info: SolveInfo };
}
