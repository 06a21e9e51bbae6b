/**
 * Magnitude metrics of one trajectory window (TAG23 §6): a cloud whose points are iterates — weight
 * vectors logged every k iterations (family "trajectory"), or one flattened probe-batch activation
 * per logged step (family "reptraj", src/trajectory/representation-window.ts), given by the
 * distances between those steps (src/trajectory/step-distances.ts).
 *
 * Scale range: the window's own [0, t_conv(0.95)] on the 30-point linear grid (the same estimator as
 * a layer's profile; a trajectory's spread changes with the learning rate, so a fixed range would sit
 * in the saturated or flat part for some runs), plus the fitted dimension's log-spaced scales below
 * t_conv, plus Mag at fixed scales (TAG23 Def. 5.1, "the effective number of models"; scales in the
 * units of the logged vectors).
 */
import type { DistanceMatrix } from "../core/distance-matrix.js";
import { magnitudesOnPlan } from "../core/plan-scales.js";
import { planProfile, profileOfPlan } from "../core/profile.js";
import { planProfileOfDistances } from "../core/profile-distances.js";
import type { EngineMode, PointCloud } from "../core/types.js";

/** TAG23's fixed scales (their Fig. 3, t ∈ [0, 40]); in the units of *their* weights. */
export const TAG23_FIXED_SCALES: readonly number[] = [1.36, 6.78, 16.95, 30.51];

export interface WindowOptions {
  /** Scales for Mag(tW) at fixed t (default TAG23_FIXED_SCALES). */
  readonly fixedScales?: readonly number[];
  readonly mode?: EngineMode;
  readonly nScales?: number;
}

/** Metric name of Mag at a fixed scale: mag_t<scale> with the scale as given (e.g. mag_t1.36). */
export const fixedScaleName = (t: number): string => `mag_t${t}`;

/**
 * Metrics of one window (names without the family/layer prefix):
 * - area (MagArea/T), t_conv (t where Mag = 0.95·n), dim (max neighbour slope on the linear grid,
 *   magnipy's estimator), dim_fit (TAG23 Algorithm 1, src/core/dimension-fit.ts), dim_fit_t_start /
 *   dim_fit_t_end (its interval), n_points, error_bound (largest stated bound of the grid values);
 * - mag_t<s> for every fixed scale s.
 */
export function windowMetrics(
  window: PointCloud | DistanceMatrix,
  options: WindowOptions = {},
): Record<string, number> {
  const mode = options.mode ?? "fast";
  const profileOptions = { mode, nScales: options.nScales ?? 30, dimensionFit: true };
  const plan =
    "distances" in window
      ? planProfileOfDistances(window, profileOptions)
      : planProfile(window, profileOptions);
  const profile = profileOfPlan(plan);
  const fit = profile.dimensionFit;
  const metrics: Record<string, number> = {
    area: profile.magAreaScaled,
    t_conv: profile.tConv ?? Number.NaN,
    dim: profile.magnitudeDimension,
    dim_fit: fit?.dimension ?? Number.NaN,
    dim_fit_t_start: fit?.interval?.tStart ?? Number.NaN,
    dim_fit_t_end: fit?.interval?.tEnd ?? Number.NaN,
    n_points: profile.nDistinct,
    error_bound: profile.solveInfo.reduce((m, s) => Math.max(m, s.errorBound ?? 0), 0),
  };
  const fixed = options.fixedScales ?? TAG23_FIXED_SCALES;
  if (fixed.length > 0) {
    const magnitude = magnitudesOnPlan(plan, fixed);
    fixed.forEach((t, i) => {
      metrics[fixedScaleName(t)] = magnitude[i]!;
    });
  }
  return metrics;
}
