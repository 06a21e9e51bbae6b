import { EigenvalueDecomposition, Matrix } from "ml-matrix";
import { backSubstitution, choleskyInPlace, forwardSubstitution } from "./cholesky.js";
import { similarityMatrix } from "./similarity.js";
import type { SolveInfo } from "./types.js";

export interface MagnitudeAtScale {
  /** Mag(tX) = Σ_i w_i with Z_t w = 1. */
  readonly magnitude: number;
  /** PMag(tX) = Σ_i max(w_i, 0). */
  readonly positiveMagnitude: number;
  /** The weighting w (length n), present unless weights were not requested. */
  readonly weights?: Float64Array;
  readonly info: SolveInfo;
}

export interface SolveOptions {
  /** Return the weighting vector (default true). */
  readonly weights?: boolean;
}

/**
 * Magnitude and weighting of the finite metric space with distance matrix D (n×n) at scale t ≥ 0.
 *
 * 1. t = 0 or n = 1: closed form (Mag = 1; at t = 0 Z is the all-ones matrix and w = 1/n is a weighting).
 * 2. Cholesky of Z_t (exact up to rounding for positive definite Z: distinct Euclidean points).
 * 3. If Cholesky reports a non-positive pivot (indefinite Z for non-Euclidean metrics, or numerically
 *    singular Z for near-duplicate points): symmetric eigendecomposition Z = VΛVᵀ and
 *    w = Σ_{|λ_k| > tol} (v_kᵀ1/λ_k) v_k (the pseudo-inverse solution; the exact solution when Z is
 *    non-singular). Recorded as solver "eigen". No ridge is ever added.
 */
export function magnitudeAtScale(
  D: Float64Array,
  n: number,
  t: number,
  options: SolveOptions = {},
): MagnitudeAtScale {
  const wantWeights = options.weights ?? true;
  if (t === 0 || n === 1) {
    const w = new Float64Array(n).fill(1 / n);
    return finish(w, { solver: "closed-form", errorBound: 0 }, wantWeights, 1);
  }
  const Z = similarityMatrix(D, n, t);
  const status = choleskyInPlace(n, Z);
  if (status === 0) {
    const w = new Float64Array(n).fill(1);
    forwardSubstitution(n, Z, w);
    backSubstitution(n, Z, w); // weights are needed for PMag even when not returned
    return finish(w, { solver: "cholesky" }, wantWeights);
  }
  return finish(eigenWeights(similarityMatrix(D, n, t), n), { solver: "eigen" }, wantWeights);
}

/** w = Z⁺1 via symmetric eigendecomposition; eigenvalues below n·ε·max|λ| are treated as zero. */
export function eigenWeights(Z: Float64Array, n: number): Float64Array {
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(Array.from(Z.subarray(i * n, i * n + n)));
  const eig = new EigenvalueDecomposition(new Matrix(rows), { assumeSymmetric: true });
  const lambda = eig.realEigenvalues;
  const V = eig.eigenvectorMatrix;
  let maxAbs = 0;
  for (const l of lambda) maxAbs = Math.max(maxAbs, Math.abs(l));
  const tol = n * Number.EPSILON * maxAbs;
  const w = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    if (Math.abs(lambda[k]) <= tol) continue;
    let c = 0;
    for (let i = 0; i < n; i++) c += V.get(i, k);
    c /= lambda[k];
    for (let i = 0; i < n; i++) w[i] += c * V.get(i, k);
  }
  return w;
}

function finish(
  w: Float64Array,
  info: SolveInfo,
  wantWeights: boolean,
  exactMagnitude?: number,
): MagnitudeAtScale {
  let pos = 0;
  for (let i = 0; i < w.length; i++) if (w[i] > 0) pos += w[i];
  const magnitude = exactMagnitude ?? neumaierSum(w);
  const positiveMagnitude = exactMagnitude ?? pos;
  return wantWeights
    ? { magnitude, positiveMagnitude, weights: w, info }
    : { magnitude, positiveMagnitude, info };
}

/** Compensated (Neumaier) sum: weights alternate in sign at small t, so plain summation loses digits. */
export function neumaierSum(x: Float64Array): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}
