/**
 * Rows of the report: for every point of training (--at), outcome and feature, Kendall τ-b and
 * Spearman ρ across the runs that have both values (two-sided p as scipy.stats), n, and — with
 * --control — the stratified τ within the control param's levels. Benjamini–Hochberg q over the
 * family of all magnitude rows (baselines are reference points, not tests of magtrack).
 * An outcome's own keys are no baseline at "final" (they would be the outcome itself).
 */
import { benjaminiHochberg, kendallTau, spearmanRho, stratifiedKendall } from "../analysis/index.js";
import { MIN_RUNS } from "./features.js";
import type { AtSpec, CorrelationRow, Feature, OutcomeSpec, RunData } from "./types.js";

export interface CorrelateOptions {
  readonly control?: string;
}

export interface Skipped {
  readonly feature: string;
  readonly at: string;
  readonly outcome: string;
  readonly reason: string;
}

function isOutcomeItself(feature: Feature, outcome: OutcomeSpec, at: AtSpec): boolean {
  // the key itself, or its change since the first step (≈ the outcome minus a constant start)
  return (
    feature.kind === "baseline" &&
    at.fraction >= 1 &&
    outcome.keys.some((k) => feature.name === k || feature.name === `Δ ${k}`)
  );
}

export function correlationRow(
  runs: readonly RunData[],
  feature: Feature,
  outcome: OutcomeSpec,
  at: AtSpec,
  options: CorrelateOptions,
): CorrelationRow | string {
  const x: number[] = [];
  const y: number[] = [];
  const used: RunData[] = [];
  for (const run of runs) {
    const fx = feature.value(run, at);
    const oy = outcome.value(run);
    if (fx === null || oy === null) continue;
    x.push(fx);
    y.push(oy);
    used.push(run);
  }
  if (x.length < MIN_RUNS) return `${x.length} runs have both values (at least ${MIN_RUNS} needed)`;
  const k = kendallTau(x, y);
  if (Number.isNaN(k.tau)) return `constant across the ${x.length} runs`;
  const s = spearmanRho(x, y);
  const row: CorrelationRow = {
    type: "correlation",
    feature: feature.name,
    kind: feature.kind,
    at: at.label,
    outcome: outcome.name,
    n: k.n,
    tau: k.tau,
    p: k.p,
    rho: s.rho,
    rho_p: s.p,
    q: null,
  };
  const extra: { T_distinct?: number; tau_within?: number; p_within?: number; strata?: number } = {};
  if (feature.layerForT !== undefined) {
    const layer = feature.layerForT;
    extra.T_distinct = new Set(used.map((r) => r.references[layer]?.T ?? Number.NaN)).size;
  }
  if (options.control !== undefined) {
    const control = options.control;
    const idx = used.map((r, i) => (r.params[control] === undefined ? -1 : i)).filter((i) => i >= 0);
    const within = stratifiedKendall(
      idx.map((i) => x[i] as number),
      idx.map((i) => y[i] as number),
      idx.map((i) => used[i]?.params[control] as string),
    );
    extra.tau_within = within.tau;
    extra.p_within = within.p;
    extra.strata = within.strataUsed;
  }
  return { ...row, ...extra };
}

export function correlateAll(
  runs: readonly RunData[],
  features: readonly Feature[],
  outcomes: readonly OutcomeSpec[],
  ats: readonly AtSpec[],
  options: CorrelateOptions = {},
): { rows: CorrelationRow[]; skipped: Skipped[] } {
  const rows: CorrelationRow[] = [];
  const skipped: Skipped[] = [];
  for (const at of ats) {
    for (const outcome of outcomes) {
      for (const feature of features) {
        if (isOutcomeItself(feature, outcome, at)) continue;
        const r = correlationRow(runs, feature, outcome, at, options);
        if (typeof r === "string")
          skipped.push({ feature: feature.name, at: at.label, outcome: outcome.name, reason: r });
        else rows.push(r);
      }
    }
  }
  const magnitudeIdx = rows.map((r, i) => (r.kind === "magnitude" ? i : -1)).filter((i) => i >= 0);
  const q = benjaminiHochberg(magnitudeIdx.map((i) => (rows[i] as CorrelationRow).p));
  magnitudeIdx.forEach((rowIdx, k) => {
    rows[rowIdx] = { ...(rows[rowIdx] as CorrelationRow), q: q[k] as number };
  });
  return { rows, skipped };
}
