/**
 * Spearman's ρ with its two-sided p-value, as scipy.stats.spearmanr(x, y) computes it: ρ is the
 * Pearson correlation of the average ranks (ties share their mean rank), and
 *
 *   t = ρ·√((n − 2) / ((1 + ρ)(1 − ρ))),   p = P(|T_{n−2}| ≥ |t|)   (Student's t, n − 2 dof)
 *
 * (scipy/stats/_stats_py.py spearmanr → _ttest_finish; |ρ| = 1 gives t = ±∞ and p = 0).
 */
import { checkPaired } from "./paired.js";
import { averageRanks } from "./ranks.js";
import { studentTTwoSided } from "./special.js";

export interface SpearmanResult {
  readonly n: number;
  /** NaN when n < 2 or a variable is constant (scipy returns NaN there too). */
  readonly rho: number;
  /** NaN when n < 3 (no degrees of freedom). */
  readonly p: number;
}

function pearson(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i] as number;
    mb += b[i] as number;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = (a[i] as number) - ma;
    const db = (b[i] as number) - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return Number.NaN;
  return Math.min(1, Math.max(-1, sab / Math.sqrt(saa * sbb)));
}

export function spearmanRho(x: readonly number[], y: readonly number[]): SpearmanResult {
  checkPaired("spearmanRho", x, y);
  const n = x.length;
  if (n < 2) return { n, rho: Number.NaN, p: Number.NaN };
  const rho = pearson(averageRanks(x), averageRanks(y));
  if (Number.isNaN(rho) || n < 3) return { n, rho, p: Number.NaN };
  const dof = n - 2;
  const denom = (1 + rho) * (1 - rho);
  const t = denom <= 0 ? Math.sign(rho) * Number.POSITIVE_INFINITY : rho * Math.sqrt(dof / denom);
  return { n, rho, p: studentTTwoSided(t, dof) };
}
