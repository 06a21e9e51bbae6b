/** The data of a cross-run report (`magtrack report`): what each run holds, and the rows computed from it. */
import type { LayerReference, MetricPoint, RunMetrics, RunRef } from "../adapter-kit.js";

/** One run as the report sees it. */
export interface RunData {
  readonly run: RunRef;
  /** magtrack's per-step results as histories, keyed <family>/<layer>/<name> (magnitude, trajectory, reptraj). */
  readonly magnitude: RunMetrics;
  /** The run's own logged metrics (loss, accuracy …), magtrack's keys left out. */
  readonly own: RunMetrics;
  /** The run's params (magtrack's own settings params left out). */
  readonly params: Readonly<Record<string, string>>;
  /** Each layer's reference scale T, as stored with the run's results. */
  readonly references: Readonly<Record<string, LayerReference>>;
  /** magtrack's settings stored with the run (magtrack.metric, magtrack.mode …), if any. */
  readonly settings: Readonly<Record<string, string>>;
  /** The run's last logged step (own metrics and magnitude results together). */
  readonly lastStep: number;
}

/** When in training a value is read: "final" = the run's last step; a fraction f = last step ≤ f × last step. */
export interface AtSpec {
  readonly label: string;
  readonly fraction: number;
}

export interface OutcomeSpec {
  /** As shown: the metric key, or "gap(train_loss−test_loss)". */
  readonly name: string;
  /** The run's value, or null when it lacks one. */
  value(run: RunData): number | null;
  /** Own-metric keys the outcome is made of (left out of the baselines at "final", where they are the outcome). */
  readonly keys: readonly string[];
}

export type FeatureKind = "magnitude" | "baseline";

/** A per-run quantity correlated with an outcome at one point of training. */
export interface Feature {
  readonly name: string;
  readonly kind: FeatureKind;
  /** For magnitude features whose value depends on the reference scale T: the layer (to read T from). */
  readonly layerForT?: string;
  value(run: RunData, at: AtSpec): number | null;
}

export interface CorrelationRow {
  readonly type: "correlation";
  readonly feature: string;
  readonly kind: FeatureKind;
  readonly at: string;
  readonly outcome: string;
  readonly n: number;
  readonly tau: number;
  readonly p: number;
  readonly rho: number;
  readonly rho_p: number;
  /** Benjamini–Hochberg q over all magnitude rows of the report; null for baselines. */
  readonly q: number | null;
  /** T-dependent magnitude features: how many distinct reference scales T the n runs used (1 = one scale). */
  readonly T_distinct?: number;
  /** With --control PARAM: the stratified τ within the param's levels, its p, and the levels used. */
  readonly tau_within?: number;
  readonly p_within?: number;
  readonly strata?: number;
}

export function valueOrNull(points: readonly MetricPoint[] | undefined, cut: number): number | null {
  if (!points || points.length === 0) return null;
  let found: MetricPoint | undefined;
  for (const p of points) {
    if (p.step <= cut) found = p;
    else break;
  }
  return found !== undefined && Number.isFinite(found.value) ? found.value : null;
}
