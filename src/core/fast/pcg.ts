import { outOfReach } from "./cg.js";
import { smallestRitzValue } from "./lanczos.js";
import { acceptedValue, type IterativeOutcome, residualSums, roundingBound } from "./residual.js";
import type { FastWorkspace } from "./workspace.js";

/**
 * Mixed precision: a float32 Cholesky factor F (FFᵀ ≈ Z_s at some scale s) used as the preconditioner
 * M = (FFᵀ)⁻¹ of a float64 conjugate gradient on Z_t w = 1. The factor costs ~0.6× a float64 one in
 * wasm SIMD (n = 2000: 68 ms vs 110 ms) and is good enough that PCG reaches a 1e-12 relative error
 * in a handful of iterations at s = t; a factor from a neighbouring scale s ≠ t still preconditions
 * well at small t, so one factorisation serves several grid scales.
 * Returns false when the f32 factorisation fails (Z not positive definite in single precision).
 */
export function factorPreconditioner(ws: FastWorkspace): boolean {
  ws.k.lowerToF32(ws.pZ, ws.pF, ws.n);
  const status = ws.k.cholesky32(ws.pF, ws.n, 64);
  ws.factorScale = status === 0 ? ws.zScale : Number.NaN;
  ws.factorIterations = Number.NaN; // a fresh factor has no iteration history yet (GridSolver records it)
  return status === 0;
}

/** ws.w = M·v for v in f64 memory at pointer pv: two f32 triangular solves with the factor. */
function applyPreconditioner(ws: FastWorkspace, v: Float64Array): void {
  const { n, v32, w, k } = ws;
  for (let i = 0; i < n; i++) v32[i] = v[i];
  k.solveLower32(ws.pF, n, ws.pV32);
  k.solveLowerT32(ws.pF, n, ws.pV32);
  for (let i = 0; i < n; i++) w[i] = v32[i];
}

export interface PcgOutcome extends IterativeOutcome {
  /** Smallest Ritz value of the preconditioned operator (≈ 1 for a good preconditioner). */
  readonly ritzMin: number;
}

/**
 * Preconditioned CG on Z w = 1 (matrix in ws.Z, factor in ws.F) from ws.x.
 *
 * Error bound. With r = 1 − Zx, Mag = 1ᵀx + xᵀr + rᵀZ⁻¹r, and for the SPD preconditioner M
 *   rᵀZ⁻¹r ≤ rᵀMr / λ_min(M^½ Z M^½).
 * λ_min of the preconditioned operator is estimated by the smallest Ritz value of the PCG tridiagonal
 * (it approaches λ_min from above), capped by the Rayleigh quotient of the pencil (Z, FFᵀ) at
 * e_i − e_j for the closest pair (an upper bound on λ_min that the Ritz value can miss when the
 * right-hand side barely excites that direction, e.g. near-duplicate points), so the bound is an
 * estimate (boundKind "estimate"), quadratic in the residual. Rounding in forming r, in the sums and the flushed entries is added as in cg.ts.
 * Stops when rᵀMr/λ̃ ≤ relTol·|1ᵀx| after at least 2 iterations (so λ̃ has two Ritz values behind it),
 * or after maxIter iterations (converged = false), or earlier when the convergence rate so far
 * predicts more than maxIter iterations (the caller then refactors or factorises exactly).
 * Accepted (converged = true) when the quadratic term is ≤ 10·relTol·value and the whole bound,
 * rounding floor included, is ≤ acceptRel·value.
 */
export function preconditionedCg(
  ws: FastWorkspace,
  opts: { readonly maxIter: number; readonly relTol: number; readonly acceptRel: number },
): PcgOutcome {
  const { k, n, x, r, p, q, w } = ws;
  k.symvLower64(ws.pZ, n, ws.pX, ws.pQ);
  for (let i = 0; i < n; i++) r[i] = 1 - q[i];
  applyPreconditioner(ws, r);
  let rz = 0;
  for (let i = 0; i < n; i++) {
    p[i] = w[i];
    rz += r[i] * w[i];
  }
  const rz0 = rz;
  const alphas: number[] = [];
  const betas: number[] = [];
  let iterations = 0;
  let converged = false;
  let positiveDefinite = rz >= 0;
  let lambda = Number.NaN;
  // the Ritz value approaches λ_min from above; cap it by a Rayleigh quotient at the closest pair
  const cap = ws.preconditionedLambdaCap();
  while (positiveDefinite && rz > 0 && iterations < opts.maxIter) {
    k.symvLower64(ws.pZ, n, ws.pP, ws.pQ);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    if (!(pq > 0)) {
      positiveDefinite = false;
      break;
    }
    const alpha = rz / pq;
    let s = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * q[i];
      s += x[i];
    }
    applyPreconditioner(ws, r);
    let rzNew = 0;
    for (let i = 0; i < n; i++) rzNew += r[i] * w[i];
    if (!(rzNew >= 0)) {
      positiveDefinite = false;
      break;
    }
    const beta = rzNew / rz;
    alphas.push(alpha);
    betas.push(beta);
    rz = rzNew;
    iterations++;
    if (iterations >= 2) {
      lambda = Math.min(smallestRitzValue(alphas, betas), cap);
      const target = opts.relTol * Math.max(1, Math.abs(s));
      if (lambda > 0 && rz / lambda <= target) {
        converged = true;
        break;
      }
      if (iterations >= 4 && outOfReach(rz0, rz, iterations, lambda, target, opts.maxIter)) break;
    }
    for (let i = 0; i < n; i++) p[i] = w[i] + beta * p[i];
  }
  if (rz === 0) converged = positiveDefinite;
  // true residual, the corrected value and the bound
  k.symvLower64(ws.pZ, n, ws.pX, ws.pQ);
  const sums = residualSums(ws, x, q, r);
  const { magnitude } = sums;
  applyPreconditioner(ws, r);
  let trueRz = 0;
  for (let i = 0; i < n; i++) trueRz += r[i] * w[i];
  const quad = lambda > 0 ? Math.abs(trueRz) / lambda : Number.POSITIVE_INFINITY;
  const rounding = roundingBound(n, sums);
  const errorBound = quad + rounding;
  // Σ|w_i − x_i| ≤ √n‖Z⁻¹r‖₂ ≈ √n‖Mr‖₂/λ̃ (M ≈ Z⁻¹)
  let mr = 0;
  for (let i = 0; i < n; i++) mr += w[i] * w[i];
  const positiveErrorBound = lambda > 0 ? Math.sqrt(n * mr) / lambda : Number.POSITIVE_INFINITY;
  const ok = acceptedValue(converged, positiveDefinite, quad, errorBound, magnitude, opts);
  return {
    converged: ok,
    positiveDefinite,
    iterations,
    magnitude,
    positiveMagnitude: sums.positive,
    errorBound,
    positiveErrorBound,
    ritzMin: lambda,
  };
}
