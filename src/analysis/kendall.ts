/**
 * Kendall's τ-b with its two-sided p-value, as scipy.stats.kendalltau(x, y) computes it
 * (variant="b", method="auto"; scipy/stats/_stats_py.py, checked against scipy 1.10.1):
 *
 *   S   = concordant − discordant pairs  (pairs tied in x or y count in neither)
 *   τ_b = S / √((n0 − n_x)(n0 − n_y)),   n0 = n(n−1)/2, n_x / n_y = pairs tied in x / y
 *
 * p-value: without ties and with n ≤ 33 (or at most one discordant / concordant pair) the exact
 * null distribution of the number of concordant pairs (Kendall 1970, the recurrence of scipy's
 * _kendall_p_exact); otherwise the normal approximation of S with the tie-corrected variance
 *
 *   Var S = (v0 − vx1 − vy1)/18 + 2·n_x·n_y / (n(n−1)) + vx0·vy0 / (9·n(n−1)(n−2)),
 *   v0 = n(n−1)(2n+5), vx1 = Σ c(c−1)(2c+5), vx0 = Σ c(c−1)(c−2) over tie groups of size c.
 *
 * Pairs are counted directly (O(n²)): n is a number of runs.
 */
import { checkPaired } from "./paired.js";
import { tieStats } from "./ranks.js";
import { normalSf } from "./special.js";

export interface KendallResult {
  readonly n: number;
  /** τ-b, NaN when n < 2 or a variable is constant (scipy returns NaN there too). */
  readonly tau: number;
  readonly p: number;
  readonly method: "exact" | "asymptotic" | "undefined";
  /** S = concordant − discordant, and Var S under independence (the pieces a stratified test adds up). */
  readonly s: number;
  readonly varS: number;
}

interface PairCounts {
  concordant: number;
  discordant: number;
}

function countPairs(x: readonly number[], y: readonly number[]): PairCounts {
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = i + 1; j < x.length; j++) {
      const sign =
        Math.sign((x[i] as number) - (x[j] as number)) * Math.sign((y[i] as number) - (y[j] as number));
      if (sign > 0) concordant++;
      else if (sign < 0) discordant++;
    }
  }
  return { concordant, discordant };
}

/** Var S under independence with ties (the asymptotic branch of scipy.stats.kendalltau). */
export function kendallVarianceS(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const tx = tieStats(x);
  const ty = tieStats(y);
  const m = n * (n - 1);
  const third = n > 2 ? (tx.v0 * ty.v0) / (9 * m * (n - 2)) : 0;
  return (m * (2 * n + 5) - tx.v1 - ty.v1) / 18 + (2 * tx.pairs * ty.pairs) / m + third;
}

/**
 * Two-sided exact p-value for c concordant pairs among n untied observations (scipy's
 * _kendall_p_exact, alternative="two-sided"): 2·P(C ≤ min(c, n0 − c)), clipped to 1.
 */
export function kendallExactP(n: number, c: number): number {
  const n0 = (n * (n - 1)) / 2;
  const k = Math.min(c, n0 - c);
  if (n <= 2) return 1;
  if (k === 0) return n < 171 ? 2 / factorial(n) : 0;
  if (k === 1) return n < 172 ? 2 / factorial(n - 1) : 0;
  if (4 * k === n * (n - 1)) return 1;
  // counts[j] = number of permutations of 1…m with j inversions, j ≤ k (Mahonian numbers), built up
  // m = 3 … n by counts_m[j] = Σ_{i=0}^{min(j, m−1)} counts_{m−1}[j − i]; scaled by 1/m each step for large n.
  let counts = new Float64Array(k + 1);
  counts[0] = 1;
  counts[1] = 1;
  const scaled = n >= 171;
  for (let m = 3; m <= n; m++) {
    const next = new Float64Array(k + 1);
    let run = 0;
    for (let j = 0; j <= k; j++) {
      run += counts[j] as number;
      next[j] = run;
    }
    if (scaled) for (let j = 0; j <= k; j++) next[j] = (next[j] as number) / m;
    if (m <= k) {
      const prefix = Float64Array.from(next);
      for (let j = m; j <= k; j++) next[j] = (next[j] as number) - (prefix[j - m] as number);
    }
    counts = next;
  }
  let sum = 0;
  for (const v of counts) sum += v;
  // unscaled: the counts sum to n!·P(C ≤ k); scaled (n ≥ 171): to P(C ≤ k)·2 (counts start at 1, 1 for m = 2)
  const prob = scaled ? sum : (2 * sum) / factorial(n);
  return Math.min(1, Math.max(0, prob));
}

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

export function kendallTau(x: readonly number[], y: readonly number[]): KendallResult {
  checkPaired("kendallTau", x, y);
  const n = x.length;
  const none = { n, tau: Number.NaN, p: Number.NaN, method: "undefined" as const, s: 0, varS: 0 };
  if (n < 2) return none;
  const n0 = (n * (n - 1)) / 2;
  const tx = tieStats(x);
  const ty = tieStats(y);
  if (tx.pairs === n0 || ty.pairs === n0) return none;
  const { concordant, discordant } = countPairs(x, y);
  const s = concordant - discordant;
  const tau = Math.min(1, Math.max(-1, s / Math.sqrt(n0 - tx.pairs) / Math.sqrt(n0 - ty.pairs)));
  const varS = kendallVarianceS(x, y);
  const untied = tx.pairs === 0 && ty.pairs === 0;
  if (untied && (n <= 33 || Math.min(discordant, n0 - discordant) <= 1)) {
    return { n, tau, p: kendallExactP(n, n0 - discordant), method: "exact", s, varS };
  }
  const z = s / Math.sqrt(varS);
  return { n, tau, p: Math.min(1, 2 * normalSf(Math.abs(z))), method: "asymptotic", s, varS };
}
