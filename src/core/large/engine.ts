import { offDiagonalStats } from "../distances.js";
import type { DistanceContext, MagnitudeEngine } from "../engine.js";
import { NumericalError } from "../errors.js";
import type { FastSolveInfo } from "../fast/scale-solve.js";
import type { MagnitudeAtScale } from "../solve.js";
import type { DistanceMetric, PointCloud } from "../types.js";
import { packedLength, packedLower } from "./packed.js";
import { type CgVectors, cgVectors, conjugateGradientPacked } from "./packed-cg.js";
import { packedDistances } from "./packed-distances.js";
import { loadSimilarity } from "./packed-similarity.js";
import { largeTConv } from "./tconv-large.js";

/** CG stops when its quadratic error term ‖r‖²/λ is below REL_TOL·Mag. */
export const REL_TOL = 1e-11;
/**
 * Largest stated error bound accepted, relative to the value; a value beyond it is refused. Its bound
 * is recorded with every value either way (measured: ≤ 1.5e-9 relative on ReLU clouds up to n = 8000).
 */
export const ACCEPT_REL = 1e-6;
/** Iterations allowed per scale before the value is refused (never returned unconverged). */
export const MAX_ITER = 3000;

/** Per distance matrix: the packed Z of the last scale loaded, its row sums, the CG vectors. */
interface LargeState {
  readonly Z: Float64Array;
  readonly rowSums: Float64Array;
  readonly v: CgVectors;
  zScale: number;
  gershgorinLower: number;
  rowMax: number;
  /** Scale whose weights are in v.x (NaN: none; the row-sum guess is used). */
  xScale: number;
}

const states = new WeakMap<Float64Array, LargeState>();

function stateFor(ctx: DistanceContext): LargeState {
  if (ctx.D.length !== packedLength(ctx.n)) {
    throw new NumericalError(
      "large-layout",
      `mode "large" needs the packed lower-triangle distances of its own distances() (length ${packedLength(ctx.n)}), got ${ctx.D.length}`,
    );
  }
  let s = states.get(ctx.D);
  if (s === undefined) {
    s = {
      Z: new Float64Array(packedLength(ctx.n)),
      rowSums: new Float64Array(ctx.n),
      v: cgVectors(ctx.n),
      zScale: Number.NaN,
      gershgorinLower: 0,
      rowMax: 0,
      xScale: Number.NaN,
    };
    states.set(ctx.D, s);
  }
  return s;
}

/** Z_t into the context's state (unless it is there already). */
function loadScale(ctx: DistanceContext, t: number): LargeState {
  const s = stateFor(ctx);
  if (s.zScale !== t) {
    const g = loadSimilarity(ctx.D, ctx.n, t, s.Z, s.rowSums);
    s.zScale = t;
    s.gershgorinLower = g.gershgorinLower;
    s.rowMax = g.rowMax;
  }
  return s;
}

/** Σ_ij Z_ij at t (the Cauchy–Schwarz bound Mag ≥ n²/ΣZ of the t_conv bracket). */
function similaritySum(ctx: DistanceContext, t: number): number {
  const s = loadScale(ctx, t);
  let sum = 0;
  for (let i = 0; i < ctx.n; i++) sum += s.rowSums[i];
  return sum;
}

/** Mag at t > 0 by CG on the packed Z_t, warm-started from the nearest earlier weights (within ×e). */
function solveAt(ctx: DistanceContext, t: number, weights: boolean): MagnitudeAtScale {
  const { n } = ctx;
  if (t === 0 || n === 1) {
    // Mag(0) := 1 (Z is all ones, w = 1/n a weighting); one point: Z = [1]
    const info: FastSolveInfo = { solver: "closed-form", errorBound: 0 };
    return {
      magnitude: 1,
      positiveMagnitude: 1,
      info,
      ...(weights ? { weights: new Float64Array(n).fill(1 / n) } : {}),
    };
  }
  const s = loadScale(ctx, t);
  if (!(Math.abs(Math.log(t / s.xScale)) <= 1)) {
    // w ≈ 1/rowSum: exact for Z = I and for vertex-transitive sets; a good start near t_conv
    for (let i = 0; i < n; i++) s.v.x[i] = 1 / s.rowSums[i];
  }
  const out = conjugateGradientPacked(s.Z, n, s.v, {
    maxIter: MAX_ITER,
    relTol: REL_TOL,
    acceptRel: ACCEPT_REL,
    gershgorinLower: s.gershgorinLower,
    // λ_min ≤ 1 − Z_ij for the closest pair (2×2 principal submatrix, interlacing)
    lambdaMinCap: 1 - Math.exp(-t * ctx.stats.min),
    rowMax: s.rowMax,
  });
  s.xScale = out.converged ? t : Number.NaN;
  if (!out.converged) {
    throw new NumericalError(
      "large-cg-not-converged",
      `mode "large": conjugate gradient at t = ${t} (n = ${n}) did not reach its tolerance in ${out.iterations} ` +
        `iterations (${out.positiveDefinite ? `stated bound ${out.errorBound.toExponential(2)}` : "Z not numerically positive definite"}); ` +
        "use --max-points to compute a subsample with --mode fast, or --mode exact",
    );
  }
  const info: FastSolveInfo = {
    solver: "cg",
    errorBound: out.errorBound,
    iterations: out.iterations,
    boundKind: out.boundKind,
    positiveMagnitudeErrorBound: out.positiveErrorBound,
  };
  return {
    magnitude: out.magnitude,
    positiveMagnitude: out.positiveMagnitude,
    info,
    ...(weights ? { weights: Float64Array.from(s.v.x) } : {}),
  };
}

/**
 * mode "large": for clouds beyond the fast engine's single WebAssembly memory. Distances are kept as
 * a packed lower triangle in JS (4·n² bytes) and Z_t beside it (another 4·n²), and every scale is
 * solved by conjugate gradient to a relative quadratic error of 1e-11, each value with its error
 * bound (src/core/large/packed-cg.ts) — exact to that tolerance, no factorisation (O(n²) memory,
 * O(n²) per iteration). Euclidean only. Values whose CG does not converge are refused, never returned.
 */
export const largeEngine: MagnitudeEngine = {
  mode: "large",
  distances(points: PointCloud, metric: DistanceMetric) {
    const p = packedDistances(points, metric);
    return { D: p.D, n: points.n, stats: p.stats };
  },
  fromDistances(D, n) {
    return { D: packedLower(D, n), n, stats: offDiagonalStats(D, n) };
  },
  evaluate(ctx, t, options) {
    return solveAt(ctx, t, options.weights);
  },
  evaluateScales(ctx, scales, options) {
    // from the largest scale down: near t_conv Z ≈ I and CG needs few iterations; each smaller
    // scale starts from the weights of the one above
    const order = Array.from(scales.keys()).sort((a, b) => scales[b] - scales[a]);
    const out: MagnitudeAtScale[] = new Array(scales.length);
    for (const k of order) out[k] = solveAt(ctx, scales[k], options.weights);
    return out;
  },
  tConv(ctx, q, rtol) {
    let iterations = 0;
    let last: FastSolveInfo = { solver: "cg" };
    let maxBound = 0;
    const result = largeTConv(
      ctx,
      q,
      rtol,
      (t) => similaritySum(ctx, t),
      (t) => {
        const r = solveAt(ctx, t, false);
        last = r.info as FastSolveInfo;
        iterations += r.info.iterations ?? 0;
        maxBound = Math.max(maxBound, r.info.errorBound ?? 0);
        return r.magnitude;
      },
    );
    const info: FastSolveInfo = {
      solver: "cg",
      errorBound: last.errorBound ?? maxBound,
      iterations,
      ...(last.boundKind === undefined ? {} : { boundKind: last.boundKind }),
    };
    return { ...result, info };
  },
};
