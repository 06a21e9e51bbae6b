import { InputError } from "../errors.js";
import type { DistanceMetric, PointCloud } from "../types.js";
import { packedLength } from "./packed.js";

/** Off-diagonal entries the median of the bracket seed is taken from (a fixed stride over the pairs). */
const MEDIAN_SAMPLE = 1 << 20;

export interface PackedDistances {
  /** Packed lower triangle (packed.ts) of the Euclidean distance matrix, zero diagonal. */
  readonly D: Float64Array;
  /**
   * min (smallest positive distance; caps the CG λ_min estimate) and max: exact over all pairs. median: of at most 2^20 off-diagonal entries at a fixed stride
   * (all of them when n(n−1)/2 ≤ 2^20); it only seeds the t_conv bracket (bracketStart), whose root
   * search then runs on the magnitude itself, so an exact median (a copy of all n²/2 distances) is not worth its memory.
   */
  readonly stats: { readonly min: number; readonly median: number; readonly max: number };
}

/**
 * ‖x_i − x_j‖₂ from coordinate differences (no Gram trick: accurate for near-duplicates too), as
 * src/core/distances.ts euclideanKernel, written into the packed lower triangle.
 */
export function packedDistances(pc: PointCloud, metric: DistanceMetric): PackedDistances {
  if (metric !== "euclidean") {
    throw new InputError(
      "metric-unsupported-mode",
      `--mode large computes Euclidean distances only (metric "${metric}"): use --mode fast or --mode exact for ${metric}`,
    );
  }
  const { n, d, data: x } = pc;
  const D = new Float64Array(packedLength(n));
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  let o = 0;
  for (let i = 0; i < n; i++) {
    const oi = i * d;
    for (let j = 0; j < i; j++) {
      const oj = j * d;
      let s = 0;
      for (let k = 0; k < d; k++) {
        const diff = x[oi + k] - x[oj + k];
        s += diff * diff;
      }
      const v = Math.sqrt(s);
      D[o + j] = v;
      if (v > 0 && v < min) min = v;
      if (v > max) max = v;
    }
    o += i + 1;
  }
  const pairs = (n * (n - 1)) / 2;
  if (pairs === 0) return { D, stats: { min: Number.NaN, median: Number.NaN, max: Number.NaN } };
  return { D, stats: { min, median: sampledMedian(D, n, pairs), max } };
}

/** Median of the off-diagonal entries k·stride (k = 0, 1, …) in pair order (row i, j < i). */
function sampledMedian(D: Float64Array, n: number, pairs: number): number {
  const stride = Math.max(1, Math.floor(pairs / MEDIAN_SAMPLE));
  const vals = new Float64Array(Math.ceil(pairs / stride));
  let m = 0;
  let p = 0;
  let o = 0;
  for (let i = 1; i < n; i++) {
    o += i; // start of row i (row i−1 had i entries)
    for (let j = 0; j < i; j++, p++) if (p % stride === 0) vals[m++] = D[o + j];
  }
  const s = vals.subarray(0, m).sort();
  return m % 2 === 1 ? s[(m - 1) / 2] : (s[m / 2 - 1] + s[m / 2]) / 2;
}
