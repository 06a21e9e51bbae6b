import { smallestRitzValue } from "./lanczos.js";
import { acceptedValue, type IterativeOutcome, residualSums, roundingBound, U } from "./residual.js";
import type { FastWorkspace } from "./workspace.js";

export interface CgOutcome extends IterativeOutcome {
  readonly boundKind: "rigorous" | "estimate";
}

/**
 * Conjugate gradient on Z w = 1 for the matrix in ws.Z, starting from ws.x (warm start).
 *
 * Error bound. With r = 1 − Zx and Mag = 1ᵀZ⁻¹1:
 *   Mag = 1ᵀx + xᵀr + rᵀZ⁻¹r,   0 ≤ rᵀZ⁻¹r ≤ ‖r‖² / λ_min(Z).
 * So the corrected value m = 1ᵀx + xᵀr is a lower bound and |Mag − m| ≤ ‖r‖²/λ_min: quadratic in the
 * residual. λ_min is bounded below by Gershgorin, λ_min ≥ 1 − max_i Σ_{j≠i} Z_ij (rigorous, useful
 * near t_conv where Z ≈ I); where that bound is not positive we use the smallest Ritz value of the
 * CG tridiagonal (an estimate: it approaches λ_min from above), capped by 1 − Z_ij of the closest pair
 * (λ_min cannot exceed it, by interlacing; the cap matters for near-duplicate points), and say so. Rounding in forming r and
 * the sums, and the entries flushed to 0, are added to the bound.
 * Stops when the bound is below relTol·m, or after maxIter iterations (converged = false).
 */
export function conjugateGradient(
  ws: FastWorkspace,
  opts: {
    readonly maxIter: number;
    readonly relTol: number;
    readonly gershgorinLower: number;
    /** Largest accepted errorBound relative to the value (the rounding floor may exceed relTol). */
    readonly acceptRel: number;
  },
): CgOutcome {
  const { k, n, x, r, p, q } = ws;
  const gamma = (n + 2) * U;
  // r = 1 − Z x
  k.symvLower64(ws.pZ, n, ws.pX, ws.pQ);
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const v = 1 - q[i];
    r[i] = v;
    p[i] = v;
    rr += v * v;
  }
  const alphas: number[] = [];
  const betas: number[] = [];
  const rr0 = rr;
  let lastTarget = opts.relTol;
  const rigorous = opts.gershgorinLower > 0;
  // the Ritz value approaches λ_min from above; λ_min ≤ 1 − Z_ij of the closest pair (interlacing)
  const cap = ws.lambdaMinCap();
  let lambda = rigorous ? opts.gershgorinLower : Number.NaN;
  let iterations = 0;
  let converged = false;
  let positiveDefinite = true;
  let ritzAt = 0;
  /** The stopping test; s = Σ x_i in index order (the update loop forms it as it goes). */
  const small = (s: number): boolean => {
    const target = opts.relTol * Math.max(1, Math.abs(s));
    lastTarget = target;
    if (!rigorous) {
      // refresh the Ritz estimate when the test could pass (it only shrinks as CG runs)
      if (iterations >= 3 && iterations !== ritzAt) {
        lambda = Math.min(smallestRitzValue(alphas, betas), cap);
        ritzAt = iterations;
      }
      if (!(lambda > 0)) return false;
    }
    return rr / lambda <= target;
  };
  const sumOf = (v: Float64Array): number => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += v[i];
    return sum;
  };
  if (rr === 0 || (rigorous && small(sumOf(x)))) converged = true;
  // q holds Z·x until the first product Z·p overwrites it
  let qIsZx = true;
  while (!converged && iterations < opts.maxIter) {
    k.symvLower64(ws.pZ, n, ws.pP, ws.pQ);
    qIsZx = false;
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    if (!(pq > 0)) {
      positiveDefinite = false;
      break;
    }
    const alpha = rr / pq;
    let rrNew = 0;
    let sumX = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      sumX += x[i];
      const v = r[i] - alpha * q[i];
      r[i] = v;
      rrNew += v * v;
    }
    const beta = rrNew / rr;
    alphas.push(alpha);
    betas.push(beta);
    rr = rrNew;
    iterations++;
    if (small(sumX)) {
      converged = true;
      break;
    }
    if (iterations >= 6 && outOfReach(rr0, rr, iterations, lambda, lastTarget, opts.maxIter)) break;
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
  }
  // true residual and the corrected value; a start that already passes (a warm start, ≈ 4 % of the
  // sync's CG calls) keeps the first product: x has not moved, so Z·x is the same bits
  if (!qIsZx) k.symvLower64(ws.pZ, n, ws.pX, ws.pQ);
  const sums = residualSums(ws, x, q, r);
  const { magnitude, xx, rowMax } = sums;
  if (!rigorous && alphas.length > 0) lambda = Math.min(smallestRitzValue(alphas, betas), cap);
  // rounding: |δr_i| ≤ γ (Z|x|)_i, so ‖δr‖ ≤ γ·rowMax·‖x‖_2·√n
  const deltaR = gamma * rowMax * Math.sqrt(xx * n);
  const residualNorm = Math.sqrt(sums.rr) + deltaR;
  const quad = lambda > 0 ? (residualNorm * residualNorm) / lambda : Number.POSITIVE_INFINITY;
  const rounding = roundingBound(n, sums);
  const errorBound = quad + rounding;
  const positiveErrorBound = lambda > 0 ? (Math.sqrt(n) * residualNorm) / lambda : Number.POSITIVE_INFINITY;
  const ok = acceptedValue(converged, positiveDefinite, quad, errorBound, magnitude, opts);
  return {
    converged: ok,
    positiveDefinite,
    iterations,
    magnitude,
    positiveMagnitude: sums.positive,
    errorBound,
    positiveErrorBound,
    boundKind: rigorous ? "rigorous" : "estimate",
  };
}

/**
 * Gershgorin lower bound on λ_min(Z) for the matrix in ws.Z (unit diagonal):
 * λ_min ≥ 1 − max_i Σ_{j≠i} Z_ij, less the rounding of the row sums. Fills ws.rowSums.
 */
export function gershgorinLower(ws: FastWorkspace): number {
  const { n } = ws;
  const rowSums = ws.loadRowSums();
  let maxRow = 0;
  for (let i = 0; i < n; i++) maxRow = Math.max(maxRow, rowSums[i]);
  return 1 - (maxRow - 1) - (n + 2) * U * maxRow;
}

/**
 * Give up early: ‖r‖² has shrunk by ρ per iteration on average; when that rate needs more than maxIter
 * iterations in all to reach ‖r‖²/λ ≤ target (λ: the current λ_min estimate, 1 when none), the caller
 * is better off with a factorisation (saves the rest of the budget on slowly converging small scales).
 */
export function outOfReach(
  rr0: number,
  rr: number,
  iterations: number,
  lambda: number,
  target: number,
  maxIter: number,
): boolean {
  const rho = (rr / rr0) ** (1 / iterations);
  if (!(rho < 1)) return true;
  const need = (target * (lambda > 0 ? lambda : 1)) / rr;
  return need < 1 && iterations + Math.log(need) / Math.log(rho) > maxIter;
}
