/**
 * Worker side of the profile pool (kernels instantiated once per worker thread):
 * - "profile": one whole computeProfile;
 * - "scales": a contiguous range of one cloud's grid, for ProfilePool.profileSplit. D arrives as a
 *   Float64Array over a SharedArrayBuffer (not copied by postMessage; the fast engine copies it once
 *   into this worker's kernel memory).
 * - "ping": answers at once (lets the pool wait until every worker is up).
 */
import type { DistanceContext } from "../core/engine.js";
import { engineFor } from "../core/engines.js";
import { evaluateScaleRange } from "../core/fast/engine.js";
import { computeProfile } from "../core/profile.js";
import type { MagnitudeAtScale } from "../core/solve.js";
import type { EngineMode, MagnitudeProfile, ProfileOptions } from "../core/types.js";

export interface ProfileTask {
  readonly kind?: "profile";
  readonly data: Float64Array;
  readonly n: number;
  readonly d: number;
  readonly options: ProfileOptions;
}

export interface ScalesTask {
  readonly kind: "scales";
  readonly D: Float64Array;
  readonly n: number;
  readonly stats: DistanceContext["stats"];
  readonly scales: Float64Array;
  readonly from: number;
  readonly to: number;
  readonly mode: EngineMode;
  readonly weights: boolean;
  /** ProfileOptions.sequence of the cloud (the thread's preconditioner factors are kept per sequence). */
  readonly sequence?: string;
}

export interface PingTask {
  readonly kind: "ping";
}

export type PoolTask = ProfileTask | ScalesTask | PingTask;

/** A range of scales of a grid, in the worker or in-process (same code either way). */
export function evaluateRange(task: Omit<ScalesTask, "kind">): MagnitudeAtScale[] {
  return evaluateRangeOf({ D: task.D, n: task.n, stats: task.stats }, task);
}

/** As evaluateRange on a context the caller already has (keeps the fast engine's workspace of it). */
export function evaluateRangeOf(
  ctx: DistanceContext,
  range: Pick<ScalesTask, "scales" | "from" | "to" | "mode" | "weights" | "sequence">,
  keep?: (Float64Array | null)[],
): MagnitudeAtScale[] {
  const options = {
    weights: range.weights,
    ...(range.sequence === undefined ? {} : { sequence: range.sequence }),
    ...(keep === undefined ? {} : { warm: { keep } }),
  };
  if (range.mode === "fast") return evaluateScaleRange(ctx, range.scales, range.from, range.to, options);
  return engineFor(range.mode).evaluateScales(ctx, range.scales.subarray(range.from, range.to), options);
}

export default function run(task: PoolTask): MagnitudeProfile | MagnitudeAtScale[] | null {
  if (task.kind === "ping") return null;
  if (task.kind === "scales") return evaluateRange(task);
  return computeProfile({ data: task.data, n: task.n, d: task.d }, task.options);
}
