import type { DistanceMetric, EngineMode, GridKind } from "../core/types.js";
import { DEFAULT_REPRESENTATION_WINDOW } from "../trajectory/representation-window.js";

/** What the pipeline computes and how; every field is a CLI flag / MAGTRACK_* env / config-file key. */
export interface ComputeSettings {
  /** Convergence fraction for t_conv (Mag = q·n). */
  readonly q: number;
  /** Grid size on [0, T], including t = 0. */
  readonly nScales: number;
  readonly grid: GridKind;
  readonly metric: DistanceMetric;
  /** Clouds with more rows are subsampled to this many rows, the same rows at every step. */
  readonly maxPoints: number;
  /** Pin T for every layer instead of t_conv of the reference step. */
  readonly tMax?: number;
  /**
   * Where new layers get T (docs/scale.md): one per experiment, or one per run. Unset: experiment
   * where the tracker can keep it, else run (with a notice). Ignored when tMax pins T. Not part of
   * the settings record: it is recorded per layer, in each layer's reference.
   */
  readonly scale?: "experiment" | "run";
  /** Use this step's t_conv as T (default: the earliest available step). */
  readonly referenceStep?: number;
  readonly mode: EngineMode;
  /** Rows holding NaN / ±Inf: fail the file (default) or drop those rows (counted as rows_dropped). */
  readonly nonFinite?: "fail" | "drop-rows";
  /**
   * Memory the profiles may use in all (bytes; --max-memory). A resource limit, not part of what is
   * computed: not in settingsRecord, not in the settings identity. A cloud over it is refused.
   */
  readonly maxMemoryBytes?: number;
  /**
   * W, the steps per representation-trajectory window (src/trajectory, docs/trajectory.md): a layer's
   * last W logged steps, one point per step. 0 turns them off; default DEFAULT_REPRESENTATION_WINDOW.
   */
  readonly representationWindow?: number;
  /** Scales at which trajectory windows report Mag(tW) (default TAG23's 1.36, 6.78, 16.95, 30.51). */
  readonly fixedScales?: readonly number[];
}

export const DEFAULT_SETTINGS: ComputeSettings = {
  q: 0.95,
  nScales: 30,
  grid: "linear",
  metric: "euclidean",
  maxPoints: 1000,
  mode: "fast",
};

/** Settings as flat string key/values, stored once per run (tags, config) so results can be interpreted. */
export function settingsRecord(s: ComputeSettings, version: string): Record<string, string> {
  const out: Record<string, string> = {
    "magtrack.version": version,
    "magtrack.q": String(s.q),
    "magtrack.n_scales": String(s.nScales),
    "magtrack.grid": s.grid,
    "magtrack.metric": s.metric,
    "magtrack.max_points": String(s.maxPoints),
    "magtrack.mode": s.mode,
  };
  if (s.nonFinite === "drop-rows") out["magtrack.non_finite"] = "drop-rows";
  // Windows of different W are different quantities under the same reptraj/ keys: part of identity.
  out["magtrack.reptraj_window"] = String(s.representationWindow ?? DEFAULT_REPRESENTATION_WINDOW);
  if (s.tMax !== undefined) out["magtrack.t_max"] = String(s.tMax);
  if (s.referenceStep !== undefined) out["magtrack.reference_step"] = String(s.referenceStep);
  return out;
}
