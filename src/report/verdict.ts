/**
 * The report's conclusion in plain words, one paragraph per (point of training, outcome). It says
 * only what the rows support: the statistic (Kendall τ-b), n, p and BH q, the noise floor 2/√n, the
 * best baseline beside the best magnitude metric, and when values on different scales T were mixed.
 * Whether one |τ| exceeds another is reported as a difference of estimates, not as a test.
 */
import { describeAt } from "./at.js";
import type { AtSpec, CorrelationRow, OutcomeSpec } from "./types.js";

export function fmt(x: number | null | undefined, digits = 2): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "n/a";
  if (x !== 0 && Math.abs(x) < 10 ** -digits) return x.toExponential(1).replace(/^-/, "−");
  return x.toFixed(digits).replace(/^-/, "−");
}

function best(rows: readonly CorrelationRow[]): CorrelationRow | undefined {
  return [...rows].sort((a, b) => Math.abs(b.tau) - Math.abs(a.tau) || (a.q ?? a.p) - (b.q ?? b.p))[0];
}

export function verdictFor(
  rows: readonly CorrelationRow[],
  at: AtSpec,
  outcome: OutcomeSpec,
  familySize: number,
): string {
  const here = rows.filter((r) => r.at === at.label && r.outcome === outcome.name);
  const mag = best(here.filter((r) => r.kind === "magnitude"));
  const base = best(here.filter((r) => r.kind === "baseline"));
  const when = describeAt(at);
  if (mag === undefined) {
    return `${capital(when)}, no magnitude metric could be compared with ${outcome.name} (fewer than 3 runs had both values).`;
  }
  const floor = 2 / Math.sqrt(mag.n);
  const parts = [
    `${capital(when)}, the magnitude metric that ranks runs most strongly by ${outcome.name} is ${mag.feature} ` +
      `(Kendall τ-b = ${fmt(mag.tau)}, p = ${fmt(mag.p, 3)}, BH q = ${fmt(mag.q, 3)} over ${familySize} magnitude tests; ` +
      `Spearman ρ = ${fmt(mag.rho)}; n = ${mag.n}).`,
  ];
  parts.push(
    (mag.q ?? 1) <= 0.05
      ? "It is significant at q ≤ 0.05 after the Benjamini–Hochberg correction."
      : "No magnitude metric is significant at q ≤ 0.05 after the Benjamini–Hochberg correction.",
  );
  if (Math.abs(mag.tau) < floor) {
    parts.push(
      `With n = ${mag.n}, |τ| below about 2/√n = ${fmt(floor)} is indistinguishable from noise, and this one is below it.`,
    );
  }
  if (base !== undefined) {
    parts.push(
      Math.abs(base.tau) >= Math.abs(mag.tau)
        ? `No magnitude metric ranks runs by ${outcome.name} more strongly than the baseline ${base.feature} ` +
            `(τ-b = ${fmt(base.tau)}, p = ${fmt(base.p, 3)}, n = ${base.n}).`
        : `The best baseline, ${base.feature}, has τ-b = ${fmt(base.tau)} (p = ${fmt(base.p, 3)}, n = ${base.n}); ` +
            `the magnitude metric's |τ| is larger by ${fmt(Math.abs(mag.tau) - Math.abs(base.tau))}, a difference of estimates this report does not test.`,
    );
  } else {
    parts.push("There is no baseline (the runs logged no other metric or numeric param) to compare with.");
  }
  if (mag.T_distinct !== undefined && mag.T_distinct > 1) {
    parts.push(
      `Its values were computed on ${mag.T_distinct} different reference scales T across the runs (each run's own T), so they are not on one common scale.`,
    );
  }
  if (mag.tau_within !== undefined) {
    parts.push(
      `Within levels of the control param (${mag.strata} levels used): stratified τ = ${fmt(mag.tau_within)}, p = ${fmt(mag.p_within, 3)}.`,
    );
  }
  return parts.join(" ");
}

function capital(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
