import type { FitScaleOptions } from "./dimension-fit-scales.js";
import type { WarmStart } from "./warm-start.js";

/** A point cloud: n points in R^d, row-major (point i, coordinate j at data[i*d + j]). */
export interface PointCloud {
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
}

export type DistanceMetric = "euclidean" | "cosine" | "angular";

/**
 * How one magnitude value was obtained. Every value the core returns carries one of these, so a
 * reader can tell an exact factorisation from an iterative or approximate answer.
 * - cholesky:     Z = LLᵀ succeeded; value exact up to rounding.
 * - ldlt:         Cholesky failed (Z not numerically positive definite); symmetric-indefinite or
 *                 eigen-based solve used instead; value exact up to rounding and conditioning.
 * - cg:           conjugate gradient; `errorBound` bounds |Mag − value|.
 * - closed-form:  t = 0 (Mag = 1 by convention) or n = 1.
 */
export type SolverKind =
  | "closed-form"
  | "cholesky"
  | "ldlt"
  | "eigen"
  | "cg"
  | "cg-preconditioned"
  | "mixed-f32";

export interface SolveInfo {
  readonly solver: SolverKind;
  /** Upper bound on |Mag − value| where the method gives one (iterative methods); 0 for closed forms. */
  readonly errorBound?: number;
  /** Iterations for iterative solvers. */
  readonly iterations?: number;
}

/**
 * How magnitude is computed (ProfileOptions.mode): "exact" dense factorisations; "fast" wasm kernels
 * with CG where cheaper (src/core/fast); "large" packed distances in JS and CG at every scale, for clouds
 * above the fast engine's one-WebAssembly-memory limit (src/core/large).
 */
export type EngineMode = "exact" | "fast" | "large";

export type GridKind = "linear" | "log";

export interface ProfileOptions {
  readonly metric?: DistanceMetric; // default "euclidean"
  readonly q?: number; // convergence fraction for t_conv, default 0.95, must be in (0, 1]
  readonly nScales?: number; // grid size including t = 0, default 30
  readonly grid?: GridKind; // default "linear": linspace(0, T, nScales); "log": [0] + geomspace(T/nScales, T, nScales-1)
  /** Fix the end of the evaluation interval. Default: T = t_conv(q) of this cloud. */
  readonly tMax?: number;
  /** Relative tolerance for the t_conv root search in log t (default 1e-10). */
  readonly tConvRtol?: number;
  /**
   * "exact" (dense factorisations only), "fast" (approximate scale selection / iterative where cheaper)
   * or "large" (packed distances, CG at every scale with its error bound; beyond the fast engine's limit).
   */
  readonly mode?: EngineMode;
  /** Also return the weighting vector at every scale (default false; n floats per scale). */
  readonly weights?: boolean;
  /**
   * Also fit TAG23's dimension on extra log-spaced scales below t_conv (src/core/dimension-fit.ts;
   * default false: it costs ≈8 solves per decade between Mag = 2 and t_conv).
   */
  readonly dimensionFit?: boolean | FitScaleOptions;
  /**
   * Memory this profile may use, bytes (src/core/memory-budget.ts estimates it from n, d and the mode
   * before anything of size n² is allocated; over it → InputError "cloud-over-memory-budget").
   * Default: no budget; the fast engine's one-WebAssembly-memory limit always applies.
   */
  readonly maxMemoryBytes?: number;
  /** What the cloud is (file, file:array, run/layer/step): named by errors about it. */
  readonly source?: string;
  /**
   * Weights of an earlier profile of the same rows (its `warmStart`): each grid scale the two share
   * starts its iterative solve there (src/core/warm-start.ts). Values stay within their stated bounds.
   */
  readonly warmStart?: WarmStart;
  /** Return this profile's grid weights as `warmStart` (for the next cloud of the same rows). */
  readonly keepWarmStart?: boolean;
  /**
   * Names the series this cloud belongs to (sync: run and layer): the same rows in the same order at
   * every step, changing little from one to the next. The fast engine then keeps, per thread, its f32
   * preconditioner factors (src/core/fast/factor-cache.ts, ≤ 64 MB) and where t_conv lay
   * (src/core/fast/tconv-hints.ts) for the series' next cloud. Values stay within their stated bounds
   * whether or not the clouds are alike, but depend in their last bits on which clouds came before.
   */
  readonly sequence?: string;
}

/** TAG23 Algorithm 1 with the interval chosen by src/core/dimension-fit.ts, and what it saw. */
export interface ProfileDimensionFit {
  readonly dimension: number;
  readonly interval: {
    readonly tStart: number;
    readonly tEnd: number;
    readonly magStart: number;
    readonly magEnd: number;
    readonly points: number;
  } | null;
  readonly tolerance: number;
  readonly reason?: string;
  /** The log-spaced scales evaluated for the fit (ascending) and Mag there. */
  readonly scales: Float64Array;
  readonly magnitude: Float64Array;
  readonly evaluations: number;
  /** Largest error bound the fit's evaluations stated (0: factorisations only). */
  readonly errorBound: number;
}

export interface MagnitudeProfile {
  readonly n: number; // rows given
  readonly nDistinct: number; // rows after removing exact duplicates
  readonly duplicatesRemoved: number;
  readonly d: number;
  readonly metric: DistanceMetric;
  readonly q: number;
  /** t where Mag = q·nDistinct; null when nDistinct = 1 (Mag ≡ 1) or not bracketed. */
  readonly tConv: number | null;
  readonly tConvInfo?: SolveInfo;
  /** End of the evaluation interval actually used. */
  readonly T: number;
  readonly grid: GridKind;
  readonly scales: Float64Array; // length nScales, scales[0] = 0
  readonly magnitude: Float64Array; // Mag(t X) at each scale; magnitude[0] = 1
  readonly solveInfo: readonly SolveInfo[]; // per scale
  readonly magArea: number; // trapezoid ∫_0^T Mag dt
  readonly magAreaScaled: number; // magArea / T
  /** Slopes Δlog Mag / Δlog t between consecutive positive scales, at geometric midpoints. */
  readonly dimensionProfile: { readonly scales: Float64Array; readonly values: Float64Array };
  readonly magnitudeDimension: number; // max of the dimension profile (NaN when undefined)
  /** PMag(tX) = Σ max(w_i, 0) at each scale. */
  readonly positiveMagnitude?: Float64Array;
  /** The grid's weights for warm-starting a later cloud of the same rows (only with options.keepWarmStart). */
  readonly warmStart?: WarmStart;
  /** Weights per scale over the distinct points (only with options.weights). */
  readonly weights?: readonly Float64Array[];
  /** keptIndices[k] = input row of distinct point k (first occurrence). */
  readonly keptIndices?: Int32Array;
  /** Why tConv is null when a pinned tMax let the profile go ahead without it. */
  readonly tConvError?: string;
  /** TAG23's fitted dimension (only with options.dimensionFit). */
  readonly dimensionFit?: ProfileDimensionFit;
  readonly timingsMs: Readonly<Record<string, number>>;
}
