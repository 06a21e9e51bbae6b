/**
 * The fitted dimension as part of a profile (ProfileOptions.dimensionFit): evaluated on its own
 * log-spaced scales below t_conv (src/core/dimension-fit-scales.ts) with the profile's engine and
 * distance matrix, after the layer's grid.
 */
import { evaluateDimensionFit } from "./dimension-fit-scales.js";
import type { GridIterates } from "./grid-iterate-starts.js";
import type { ProfilePlan } from "./profile.js";
import type { MagnitudeProfile, ProfileDimensionFit } from "./types.js";

/**
 * `gridWeights`: the weights the grid's solves ended with, per scale of plan.scales (null where none),
 * to start the fit's solves from (grid-iterate-starts.ts).
 */
export function withDimensionFit(
  plan: ProfilePlan,
  profile: MagnitudeProfile,
  gridWeights?: GridIterates["weights"],
): MagnitudeProfile {
  const option = plan.options.dimensionFit;
  if (option === undefined || option === false) return profile;
  const t0 = globalThis.performance.now();
  // top of the fit scales: t_conv (Mag = q·n; the fit keeps Mag ≤ 0.95·n), else the pinned T
  const tTop = plan.tConv ?? plan.T;
  const r = evaluateDimensionFit(
    plan.prep.ctx,
    plan.engine,
    tTop,
    option === true ? {} : option,
    plan.options.sequence,
    gridWeights === undefined ? undefined : { scales: plan.scales, weights: gridWeights },
  );
  const fit: ProfileDimensionFit = {
    dimension: r.dimension,
    interval: r.interval,
    tolerance: r.tolerance,
    ...(r.reason === undefined ? {} : { reason: r.reason }),
    scales: r.scales,
    magnitude: r.magnitude,
    evaluations: r.evaluations,
    errorBound: r.errorBound,
  };
  const timingsMs = { ...profile.timingsMs, dimensionFit: globalThis.performance.now() - t0 };
  return { ...profile, dimensionFit: fit, timingsMs };
}
