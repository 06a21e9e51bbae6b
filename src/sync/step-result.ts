/**
 * From a point cloud to the result of one (layer, step): probe rows → profile on the layer's grid →
 * the scalar metrics the trackers receive (names documented in the README).
 */
import type { StepResult } from "../adapter-kit.js";
import { magDiff } from "../core/area.js";
import { computeProfile, profileTConv } from "../core/profile.js";
import type { MagnitudeProfile, PointCloud, ProfileOptions } from "../core/types.js";
import { dimensionFitMetrics } from "./dimension-fit-metrics.js";
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

/**
 * Computes one profile: in-process by default, or on worker threads (ProfilePool) when the caller
 * passes one. `whenRoom` resolves when another task may be submitted (bounded memory: the pipeline
 * waits on it before reading the next file).
 */
export interface ProfileComputer {
  compute(probe: PointCloud, options: ProfileOptions): Promise<MagnitudeProfile>;
  whenRoom(): Promise<void>;
}

export const IN_PROCESS: ProfileComputer = {
  compute: async (probe, options) => computeProfile(probe, options),
  whenRoom: async () => {},
};

type StepKey = { run: string; layer: string; step: number };

/** The probe rows of (run, layer): the same rows at every step (seeded by run and layer only). */
/**
 * (run, layer) as one string: the seed of the layer's probe rows, and, since those rows are the same
 * at every step, the layer's sequence (ProfileOptions.sequence: state kept from step to step).
 */
const sequenceOf = (key: StepKey) => `${key.run}\u0000${key.layer}`;

export function probeOf(cloud: PointCloud, key: StepKey, settings: ComputeSettings): PointCloud {
  return selectRows(cloud, chooseProbeRows(cloud.n, settings.maxPoints, sequenceOf(key)));
}

export function profileOptions(
  settings: ComputeSettings,
  T: number | undefined,
  source?: string,
  sequence?: string,
): ProfileOptions {
  return {
    ...(sequence === undefined ? {} : { sequence }),
    ...(settings.maxMemoryBytes === undefined ? {} : { maxMemoryBytes: settings.maxMemoryBytes }),
    ...(source === undefined ? {} : { source }),
    metric: settings.metric,
    q: settings.q,
    nScales: settings.nScales,
    grid: settings.grid,
    mode: settings.mode,
    ...(T === undefined ? {} : { tMax: T }),
    dimensionFit: true,
  };
}

/** The scalar metrics and the curve of one (layer, step) from its profile. */
export function stepResultOf(profile: MagnitudeProfile, key: StepKey): StepResult {
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
    // A collapsed layer (one distinct probe row, e.g. a dead ReLU layer): Mag ≡ 1 at every t.
    ...(profile.nDistinct === 1 ? { collapsed: 1 } : {}),
    ...dimensionFitMetrics(profile),
  };
  return {
    layer: key.layer,
    step: key.step,
    metrics,
    curve: { t: Array.from(profile.scales), magnitude: Array.from(profile.magnitude) },
  };
}

/**
 * A collapsed step of a layer that has no T (no step of it had a defined t_conv): what is defined
 * without T. Mag ≡ 1, so Mag(T) = 1, area/T = 1 and the dimension (slope of log Mag) is 0 for any T;
 * t_conv, the raw area and diff_ref need a T and are NaN. No curve (there is no grid).
 */
export function collapsedStepResult(probe: PointCloud, key: StepKey): StepResult {
  return {
    layer: key.layer,
    step: key.step,
    metrics: {
      area: 1,
      area_raw: Number.NaN,
      t_conv: Number.NaN,
      dim: 0,
      mag_T: 1,
      n_points: probe.n,
      n_distinct: 1,
      error_bound: 0,
      diff_ref: Number.NaN,
      collapsed: 1,
    },
  };
}

/**
 * The t_conv the step's profile reports (same probe rows, settings and sequence), without the grid and
 * the dimension fit: what an experiment's reference needs (src/experiment-scale/find-reference.ts).
 * In-process; throws where computeStep would.
 */
export function computeStepTConv(cloud: PointCloud, key: StepKey, settings: ComputeSettings): number | null {
  const options = profileOptions(settings, undefined, sourceOf(key), sequenceOf(key));
  return profileTConv(probeOf(cloud, key, settings), options);
}

const sourceOf = (key: StepKey) => `run ${key.run}, layer ${key.layer}, step ${key.step}`;

export async function computeStep(
  cloud: PointCloud,
  key: StepKey,
  settings: ComputeSettings,
  T: number | undefined,
  computer: ProfileComputer = IN_PROCESS,
): Promise<StepComputation> {
  const profile = await computer.compute(
    probeOf(cloud, key, settings),
    profileOptions(settings, T, sourceOf(key), sequenceOf(key)),
  );
  return { profile, result: stepResultOf(profile, key) };
}
