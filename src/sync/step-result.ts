/**
 * From a point cloud to the result of one (layer, step): probe rows → profile on the layer's grid →
 * the scalar metrics the trackers receive (names documented in the README).
 */
import type { StepResult } from "../adapter-kit.js";
import { magDiff } from "../core/area.js";
import { computeProfile } from "../core/profile.js";
import type { MagnitudeProfile, PointCloud } from "../core/types.js";
import { chooseProbeRows, selectRows } from "./probe-rows.js";
import type { ComputeSettings } from "./settings.js";

export interface StepComputation {
  readonly profile: MagnitudeProfile;
  readonly result: StepResult;
}

/**
 * diff_ref: MagDiff against the layer's reference curve (core/area.ts). NaN when the stored reference
 * curve is on a different grid (settings changed since the layer's first sync).
 */
export function diffToReference(
  t: readonly number[],
  magnitude: readonly number[],
  reference: readonly number[],
): number {
  return reference.length === t.length ? magDiff(t, magnitude, reference) : Number.NaN;
}

export function computeStep(
  cloud: PointCloud,
  key: { run: string; layer: string; step: number },
  settings: ComputeSettings,
  T: number | undefined,
): StepComputation {
  const rows = chooseProbeRows(cloud.n, settings.maxPoints, `${key.run}\u0000${key.layer}`);
  const probe = selectRows(cloud, rows);
  const profile = computeProfile(probe, {
    metric: settings.metric,
    q: settings.q,
    nScales: settings.nScales,
    grid: settings.grid,
    mode: settings.mode,
    ...(T === undefined ? {} : { tMax: T }),
  });
  const errorBound = profile.solveInfo.reduce((m, s) => Math.max(m, s.errorBound ?? 0), 0);
  const metrics: Record<string, number> = {
    area: profile.magAreaScaled,
    area_raw: profile.magArea,
    t_conv: profile.tConv ?? Number.NaN,
    dim: profile.magnitudeDimension,
    mag_T: profile.magnitude[profile.magnitude.length - 1]!,
    n_points: profile.n,
    n_distinct: profile.nDistinct,
    error_bound: errorBound,
  };
  return {
    profile,
    result: {
      layer: key.layer,
      step: key.step,
      metrics,
      curve: { t: Array.from(profile.scales), magnitude: Array.from(profile.magnitude) },
    },
  };
}
