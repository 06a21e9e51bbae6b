/**
 * "Is it an early signal here?": for one outcome, Kendall τ-b of each feature (read at a fraction f
 * of training) against the final outcome, as a function of f on the grid 0.1, 0.2, …, 0.9, 1 (final)
 * plus the --at fractions. Drawn: the magnitude features with the largest max |τ| over the grid (at
 * most MAX_MAGNITUDE_CURVES) and the baseline with the largest |τ| at the final step (outcome keys left
 * out), with the noise band ±2/√n.
 */
import { correlationRow } from "./correlate.js";
import type { AtSpec, Feature, OutcomeSpec, RunData } from "./types.js";

export const MAX_MAGNITUDE_CURVES = 5;

export interface Curve {
  readonly feature: string;
  readonly kind: Feature["kind"];
  /** τ at each grid fraction (NaN where undefined). */
  readonly tau: readonly number[];
}

export interface HowEarly {
  readonly outcome: string;
  readonly fractions: readonly number[];
  readonly curves: readonly Curve[];
  /** Runs with the outcome (the n of the noise band). */
  readonly n: number;
}

export function howEarlyGrid(ats: readonly AtSpec[]): AtSpec[] {
  const fractions = new Set<number>([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  for (const a of ats) fractions.add(a.fraction);
  return [...fractions]
    .sort((a, b) => a - b)
    .map((f) => ({ label: f >= 1 ? "final" : String(f), fraction: f }));
}

function curveOf(
  runs: readonly RunData[],
  feature: Feature,
  outcome: OutcomeSpec,
  grid: readonly AtSpec[],
): Curve {
  return {
    feature: feature.name,
    kind: feature.kind,
    tau: grid.map((at) => {
      const r = correlationRow(runs, feature, outcome, at, {});
      return typeof r === "string" ? Number.NaN : r.tau;
    }),
  };
}

const maxAbs = (c: Curve) => c.tau.reduce((m, t) => (Number.isNaN(t) ? m : Math.max(m, Math.abs(t))), -1);
const lastAbs = (c: Curve) => {
  const t = c.tau[c.tau.length - 1] as number;
  return Number.isNaN(t) ? -1 : Math.abs(t);
};

export function howEarly(
  runs: readonly RunData[],
  features: readonly Feature[],
  outcome: OutcomeSpec,
  ats: readonly AtSpec[],
): HowEarly {
  const grid = howEarlyGrid(ats);
  const magnitude = features
    .filter((f) => f.kind === "magnitude")
    .map((f) => curveOf(runs, f, outcome, grid))
    .filter((c) => maxAbs(c) >= 0)
    .sort((a, b) => maxAbs(b) - maxAbs(a))
    .slice(0, MAX_MAGNITUDE_CURVES);
  const baseline = features
    .filter((f) => f.kind === "baseline" && !outcome.keys.some((k) => f.name === k || f.name === `Δ ${k}`))
    .map((f) => curveOf(runs, f, outcome, grid))
    .filter((c) => lastAbs(c) >= 0)
    .sort((a, b) => lastAbs(b) - lastAbs(a))[0];
  return {
    outcome: outcome.name,
    fractions: grid.map((g) => g.fraction),
    curves: baseline ? [...magnitude, baseline] : magnitude,
    n: runs.filter((r) => outcome.value(r) !== null).length,
  };
}
