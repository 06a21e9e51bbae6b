/**
 * The smallest eigenvalue of the Lanczos tridiagonal matrix that conjugate gradient builds implicitly:
 * with CG step sizes α_j and ratios β_j = ‖r_j‖²/‖r_{j−1}‖²,
 *   T[j,j] = 1/α_j + β_{j−1}/α_{j−1},  T[j,j+1] = √β_j / α_j.
 * Its eigenvalues (Ritz values) approximate the extreme eigenvalues of Z; the smallest one is an
 * UPPER bound on λ_min(Z), so a bound built from it is an estimate, not a guarantee.
 * Bisection with Sturm counts: O(k) per step, 60 steps.
 */
export function smallestRitzValue(alpha: readonly number[], beta: readonly number[]): number {
  const k = alpha.length;
  if (k === 0) return Number.NaN;
  const diag = new Float64Array(k);
  const off = new Float64Array(k); // off[j] couples j and j+1
  for (let j = 0; j < k; j++) {
    diag[j] = 1 / alpha[j] + (j > 0 ? beta[j - 1] / alpha[j - 1] : 0);
    if (j < k - 1) off[j] = Math.sqrt(beta[j]) / alpha[j];
  }
  let hi = 0;
  for (let j = 0; j < k; j++) {
    hi = Math.max(hi, diag[j] + Math.abs(off[j]) + (j > 0 ? Math.abs(off[j - 1]) : 0));
  }
  let lo = 0;
  // count of eigenvalues < x (Sturm sequence of T − xI)
  const below = (x: number): number => {
    let c = 0;
    let dPrev = 1;
    for (let j = 0; j < k; j++) {
      const e2 = j > 0 ? off[j - 1] * off[j - 1] : 0;
      let dj = diag[j] - x - (j > 0 ? e2 / dPrev : 0);
      if (dj === 0) dj = -1e-300;
      if (dj < 0) c++;
      dPrev = dj;
    }
    return c;
  };
  for (let it = 0; it < 60 && hi - lo > 1e-3 * lo; it++) {
    const mid = 0.5 * (lo + hi);
    if (below(mid) >= 1) hi = mid;
    else lo = mid;
  }
  return lo > 0 ? lo : 0.5 * hi;
}
