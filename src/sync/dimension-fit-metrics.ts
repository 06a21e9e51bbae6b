/**
 * The fitted dimension's metrics of one (layer, step): `dim_fit` (TAG23 Algorithm 1, docs/trajectory.md)
 * and its interval as diagnostics, `dim_fit_t_start` / `dim_fit_t_end` (scales) and `dim_fit_points`
 * (grid points in the fitted stretch). NaN values when no stretch qualified; nothing without a fit.
 */
import type { MagnitudeProfile } from "../core/types.js";

export function dimensionFitMetrics(profile: MagnitudeProfile): Record<string, number> {
  const fit = profile.dimensionFit;
  if (fit === undefined) return {};
  return {
    dim_fit: fit.dimension,
    dim_fit_t_start: fit.interval?.tStart ?? Number.NaN,
    dim_fit_t_end: fit.interval?.tEnd ?? Number.NaN,
    dim_fit_points: fit.interval?.points ?? 0,
  };
}
