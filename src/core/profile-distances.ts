/**
 * The profile of a metric space given by its distance matrix (src/core/distance-matrix.ts): the same
 * plan and evaluation as computeProfile, from distances instead of coordinates. Distances are the
 * metric's (the matrix is what a cloud's distances() would give); points at distance 0 from an
 * earlier point are dropped as duplicate rows are; the unit is the power of two of the largest
 * distance (scale-unit.ts), so the scales come back in the matrix's units.
 */
import {
  type DistanceMatrix,
  distinctDistances,
  largestDistance,
  validateDistanceMatrix,
} from "./distance-matrix.js";
import { offDiagonalStats } from "./distances.js";
import { DEFAULT_MODE, engineFor } from "./engines.js";
import {
  checkOptions,
  checkProfileMemory,
  type ProfilePlan,
  planPrepared,
  profileOfPlan,
} from "./profile.js";
import { unitOfMax } from "./scale-unit.js";
import type { MagnitudeProfile, ProfileOptions } from "./types.js";

export function planProfileOfDistances(m: DistanceMatrix, options: ProfileOptions = {}): ProfilePlan {
  checkOptions(options);
  const started = globalThis.performance.now();
  const mode = options.mode ?? DEFAULT_MODE;
  const engine = engineFor(mode);
  validateDistanceMatrix(m);
  // no coordinates: the workspace of a cloud without points (d = 0)
  checkProfileMemory(m.n, 0, "euclidean", options);
  const unit = unitOfMax(largestDistance(m));
  const t0 = globalThis.performance.now();
  const distinct = distinctDistances(m, unit);
  const ctx = engine.fromDistances?.(distinct.D, distinct.n) ?? {
    D: distinct.D,
    n: distinct.n,
    stats: offDiagonalStats(distinct.D, distinct.n),
  };
  const prep = {
    ctx,
    metric: "euclidean" as const,
    keptIndices: distinct.keptIndices,
    duplicatesRemoved: m.n - distinct.n,
    timingsMs: { distances: globalThis.performance.now() - t0 },
  };
  return planPrepared({ n: m.n, d: m.d ?? 0, options, engine, prep, unit, started });
}

/** computeProfile for a distance matrix (options.metric does not apply: the distances are given). */
export function computeProfileOfDistances(m: DistanceMatrix, options: ProfileOptions = {}): MagnitudeProfile {
  return profileOfPlan(planProfileOfDistances(m, options));
}
