import { smallestRitzValue } from "../fast/lanczos.js";
import { roundingBound, U } from "../fast/residual.js";
import { packedSymv } from "./packed.js";

/** What one CG solve of Z w = 1 on a packed Z reports. */
export interface PackedCgOutcome {
  /** Stopped on its tolerance with positive curvature throughout. */
  readonly converged: boolean;
  readonly positiveDefinite: boolean;
  readonly iterations: number;
  /** Corrected value Σx + xᵀr, r = 1 − Zx the true residual (≤ Mag for positive definite Z). */
  readonly magnitude: number;
  readonly positiveMagnitude: number;
  /** Bound on |Mag − magnitude|: ‖r‖²/λ plus rounding (see conjugateGradientPacked). */
  readonly errorBound: number;
  readonly positiveErrorBound: number;
  /** "rigorous": λ from Gershgorin; "estimate": λ from the smallest Ritz value (from above). */
  readonly boundKind: "rigorous" | "estimate";
}

/** Vectors CG needs (n doubles each), allocated once per cloud. x holds the warm start / the weights. */
export interface CgVectors {
  readonly x: Float64Array;
  readonly r: Float64Array;
  readonly p: Float64Array;
  readonly q: Float64Array;
}

export const cgVectors = (n: number): CgVectors => ({
  x: new Float64Array(n),
  r: new Float64Array(n),
  p: new Float64Array(n),
  q: new Float64Array(n),
});

/**
 * Conjugate gradient on Z w = 1 for the packed Z, from the warm start in v.x — the bound of
 * src/core/fast/cg.ts: with r = 1 − Zx and Mag = 1ᵀZ⁻¹1,
 *   Mag = 1ᵀx + xᵀr + rᵀZ⁻¹r,   0 ≤ rᵀZ⁻¹r ≤ ‖r‖²/λ_min(Z),
 * so m = 1ᵀx + xᵀr is a lower bound and |Mag − m| ≤ ‖r‖²/λ_min. λ_min: Gershgorin when positive
 * (rigorous), else the smallest Ritz value of the CG tridiagonal capped by 1 − Z of the closest pair
 * (an estimate from above; said so in boundKind). Rounding of r and the sums and the flushed entries
 * are added (roundingBound). Stops when ‖r‖²/λ ≤ relTol·m, or at maxIter (converged = false). Unlike
 * the fast engine's CG it does not give up early on a slow rate: there is no factorisation to fall back to.
 */
export function conjugateGradientPacked(
  Z: Float64Array,
  n: number,
  v: CgVectors,
  opts: {
    readonly maxIter: number;
    readonly relTol: number;
    /** Largest accepted errorBound relative to the value. */
    readonly acceptRel: number;
    readonly gershgorinLower: number;
    readonly lambdaMinCap: number;
    readonly rowMax: number;
  },
): PackedCgOutcome {
  const { x, r, p, q } = v;
  packedSymv(Z, n, x, q);
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const e = 1 - q[i];
    r[i] = e;
    p[i] = e;
    rr += e * e;
  }
  const alphas: number[] = [];
  const betas: number[] = [];
  const rigorous = opts.gershgorinLower > 0;
  let lambda = rigorous ? opts.gershgorinLower : Number.NaN;
  let iterations = 0;
  let converged = rr === 0;
  let positiveDefinite = true;
  let lastTarget = opts.relTol;
  const small = (): boolean => {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i];
    lastTarget = opts.relTol * Math.max(1, Math.abs(s));
    if (!rigorous && iterations >= 3) lambda = Math.min(smallestRitzValue(alphas, betas), opts.lambdaMinCap);
    return lambda > 0 && rr / lambda <= lastTarget;
  };
  if (!converged && rigorous && small()) converged = true;
  while (!converged && iterations < opts.maxIter) {
    packedSymv(Z, n, p, q);
    let pq = 0;
    for (let i = 0; i < n; i++) pq += p[i] * q[i];
    if (!(pq > 0)) {
      positiveDefinite = false;
      break;
    }
    const alpha = rr / pq;
    let rrNew = 0;
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      const e = r[i] - alpha * q[i];
      r[i] = e;
      rrNew += e * e;
    }
    const beta = rrNew / rr;
    alphas.push(alpha);
    betas.push(beta);
    rr = rrNew;
    iterations++;
    if (small()) {
      converged = true;
      break;
    }
    for (let i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
  }
  // the true residual and the corrected value (Neumaier-compensated Σx)
  packedSymv(Z, n, x, q);
  let sum = 0;
  let comp = 0;
  let xr = 0;
  let absSum = 0;
  let xx = 0;
  let positive = 0;
  rr = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const ri = 1 - q[i];
    r[i] = ri;
    rr += ri * ri;
    xr += xi * ri;
    absSum += Math.abs(xi);
    xx += xi * xi;
    if (xi > 0) positive += xi;
    const s = sum + xi;
    comp += Math.abs(sum) >= Math.abs(xi) ? sum - s + xi : xi - s + sum;
    sum = s;
  }
  const magnitude = sum + comp + xr;
  if (!rigorous && alphas.length > 0) lambda = Math.min(smallestRitzValue(alphas, betas), opts.lambdaMinCap);
  // rounding of the residual: ‖δr‖ ≤ γ·rowMax·‖x‖₂·√n with γ = (n + 2)·u
  const gamma = (n + 2) * U;
  const residualNorm = Math.sqrt(rr) + gamma * opts.rowMax * Math.sqrt(xx * n);
  const quad = lambda > 0 ? (residualNorm * residualNorm) / lambda : Number.POSITIVE_INFINITY;
  const errorBound = quad + roundingBound(n, { magnitude, rr, absSum, xx, positive, rowMax: opts.rowMax });
  const positiveErrorBound = lambda > 0 ? (Math.sqrt(n) * residualNorm) / lambda : Number.POSITIVE_INFINITY;
  return {
    // accepted: CG met its tolerance with positive curvature throughout, and the stated bound is within
    // acceptRel of the value. (Not the fast engine's 10·relTol test on the true residual: at n = 20 000
    // and small t the a-priori rounding term γ·rowMax·‖x‖·√n alone exceeds it, measured 217 iterations
    // at t = T/29; the value's own bound says how accurate it is.)
    converged:
      converged && positiveDefinite && errorBound <= opts.acceptRel * Math.max(1, Math.abs(magnitude)),
    positiveDefinite,
    iterations,
    magnitude,
    positiveMagnitude: positive,
    errorBound,
    positiveErrorBound,
    boundKind: rigorous ? "rigorous" : "estimate",
  };
}
