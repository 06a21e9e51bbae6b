/**
 * What CG and preconditioned CG both need once they stop: the true residual r = 1 − Zx (from q = Zx,
 * computed by the caller), the corrected value Mag ≈ Σx + xᵀr (Σx summed with Neumaier's
 * compensation), and the sums the error bounds use.
 */
import { type FastWorkspace, FLUSH_BELOW } from "./workspace.js";

/** Unit roundoff of float64. */
export const U = Number.EPSILON / 2;

/** What CG and preconditioned CG report when they stop. */
export interface IterativeOutcome {
  /** Accepted: converged, positive definite, and the stated bound within the caller's tolerance. */
  readonly converged: boolean;
  /** false when a non-positive curvature (pᵀZp ≤ 0, or rᵀMr ≤ 0 with a preconditioner) was met. */
  readonly positiveDefinite: boolean;
  readonly iterations: number;
  /** Corrected value 1ᵀx + xᵀr (≤ Mag for positive definite Z, up to rounding). */
  readonly magnitude: number;
  readonly positiveMagnitude: number;
  /** Bound on |Mag − magnitude| (see each solver for when it is rigorous). */
  readonly errorBound: number;
  /** Bound on |PMag − positiveMagnitude| ≤ Σ|w_i − x_i| (linear in the residual). */
  readonly positiveErrorBound: number;
}

export interface ResidualSums {
  /** Σx + xᵀr: the value corrected by the true residual (≤ Mag for positive definite Z). */
  readonly magnitude: number;
  /** ‖r‖² */
  readonly rr: number;
  /** Σ|x_i| */
  readonly absSum: number;
  /** ‖x‖² */
  readonly xx: number;
  /** Σ max(x_i, 0) */
  readonly positive: number;
  /** max_i Σ_j Z_ij (row sums of Z, from ws.rowSums) */
  readonly rowMax: number;
}

/** Fills r with 1 − q and returns the sums. */
export function residualSums(
  ws: FastWorkspace,
  x: Float64Array,
  q: Float64Array,
  r: Float64Array,
): ResidualSums {
  const { n } = ws;
  let sum = 0;
  let comp = 0;
  let xr = 0;
  let absSum = 0;
  let xx = 0;
  let positive = 0;
  let rr = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i];
    const ri = 1 - q[i];
    r[i] = ri;
    rr += ri * ri;
    xr += xi * ri;
    absSum += Math.abs(xi);
    xx += xi * xi;
    if (xi > 0) positive += xi;
    const t = sum + xi; // Neumaier
    comp += Math.abs(sum) >= Math.abs(xi) ? sum - t + xi : xi - t + sum;
    sum = t;
  }
  let rowMax = 0;
  for (let i = 0; i < n; i++) rowMax = Math.max(rowMax, ws.rowSums[i]);
  return { magnitude: sum + comp + xr, rr, absSum, xx, positive, rowMax };
}

/**
 * First-order rounding of the residual and the sums, plus the entries flushed to 0: with
 * γ = (n + 2)·u, |δr_i| ≤ γ (Z|x|)_i gives |xᵀδr| ≤ γ·rowMax·‖x‖², the sums add γ·Σ|x|, and each
 * flushed entry (< FLUSH_BELOW) changes Mag by at most FLUSH_BELOW·(Σ|x|)².
 */
export function roundingBound(n: number, s: ResidualSums): number {
  const gamma = (n + 2) * U;
  return gamma * s.rowMax * s.xx + gamma * s.absSum + FLUSH_BELOW * s.absSum * s.absSum;
}

/**
 * Whether an iterative value is accepted: the iteration converged on a positive definite Z, its
 * residual term is within 10·relTol of the value, and its whole stated bound within acceptRel.
 */
export function acceptedValue(
  converged: boolean,
  positiveDefinite: boolean,
  quad: number,
  errorBound: number,
  magnitude: number,
  opts: { readonly relTol: number; readonly acceptRel: number },
): boolean {
  const scale = Math.max(1, Math.abs(magnitude));
  return (
    converged && positiveDefinite && quad <= 10 * opts.relTol * scale && errorBound <= opts.acceptRel * scale
  );
}
