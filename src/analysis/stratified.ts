/**
 * Stratified Kendall τ: the association of x and y within levels of a control variable
 * (`magtrack report --control PARAM`), so a param that drives both (e.g. label noise raising the
 * gap and moving a magnitude metric) does not show up as an association between them.
 *
 * Runs are grouped by the control's value; within each stratum k with n_k ≥ 2 runs:
 *   S_k = concordant − discordant pairs (pairs across strata are never compared),
 *   V_k = Var S_k under independence with ties (the variance scipy.stats.kendalltau's asymptotic
 *         branch uses), D_k = √((n0_k − n_x,k)(n0_k − n_y,k)) (the τ-b denominator).
 * Pooled:  τ_strat = Σ S_k / Σ D_k  (a D_k-weighted mean of the within-stratum τ-b),
 *          z = Σ S_k / √(Σ V_k),  p = 2·P(Z > |z|)  (normal approximation, as for one stratum).
 * With one stratum this is kendalltau(x, y, method="asymptotic"). Strata of one run, or where x or y
 * is constant, add nothing (S_k = V_k = D_k = 0) and are counted in `strataUsed` only if they add.
 */
import { InputError } from "../core/errors.js";
import { kendallVarianceS } from "./kendall.js";
import { checkPaired } from "./paired.js";
import { tieStats } from "./ranks.js";
import { normalSf } from "./special.js";

export interface StratifiedKendallResult {
  /** Runs in strata that contribute. */
  readonly n: number;
  readonly tau: number;
  readonly p: number;
  /** Number of levels of the control variable seen / contributing. */
  readonly strata: number;
  readonly strataUsed: number;
}

export function stratifiedKendall(
  x: readonly number[],
  y: readonly number[],
  strata: readonly string[],
): StratifiedKendallResult {
  checkPaired("stratifiedKendall", x, y);
  if (strata.length !== x.length) {
    throw new InputError(
      "STATS_LENGTH_MISMATCH",
      `stratifiedKendall: ${x.length} pairs but ${strata.length} stratum labels`,
    );
  }
  const groups = new Map<string, number[]>();
  strata.forEach((label, i) => {
    const g = groups.get(label);
    if (g) g.push(i);
    else groups.set(label, [i]);
  });
  let sumS = 0;
  let sumV = 0;
  let sumD = 0;
  let n = 0;
  let used = 0;
  for (const members of groups.values()) {
    if (members.length < 2) continue;
    const xs = members.map((i) => x[i] as number);
    const ys = members.map((i) => y[i] as number);
    const n0 = (xs.length * (xs.length - 1)) / 2;
    const d = Math.sqrt((n0 - tieStats(xs).pairs) * (n0 - tieStats(ys).pairs));
    if (d === 0) continue;
    let s = 0;
    for (let i = 0; i < xs.length; i++) {
      for (let j = i + 1; j < xs.length; j++) {
        s +=
          Math.sign((xs[i] as number) - (xs[j] as number)) * Math.sign((ys[i] as number) - (ys[j] as number));
      }
    }
    sumS += s;
    sumV += kendallVarianceS(xs, ys);
    sumD += d;
    n += xs.length;
    used++;
  }
  if (used === 0 || sumV <= 0) {
    return { n, tau: Number.NaN, p: Number.NaN, strata: groups.size, strataUsed: used };
  }
  const tau = sumS / sumD;
  const p = Math.min(1, 2 * normalSf(Math.abs(sumS / Math.sqrt(sumV))));
  return { n, tau, p, strata: groups.size, strataUsed: used };
}
