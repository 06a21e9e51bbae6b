/**
 * Mag at scales of the caller's choosing on a plan's prepared distances (after or beside its profile):
 * e.g. TAG23's fixed scales next to a window's profile, without validating, de-duplicating and
 * computing the distances of the input a second time (magnitudeFunction does all of that again).
 */
import type { ProfilePlan } from "./profile.js";
import { validateScale } from "./validate.js";

/** Mag at each of `scales` (the input's units, finite, ≥ 0, any order), in the order given. */
export function magnitudesOnPlan(plan: ProfilePlan, scales: readonly number[]): Float64Array {
  for (let i = 0; i < scales.length; i++) validateScale(scales[i]!, `scales[${i}]`);
  // ascending for the engine's warm starts; t · unit is exact (unit is a power of two)
  const order = scales.map((_, i) => i).sort((a, b) => scales[a]! - scales[b]!);
  const ts = Float64Array.from(order, (i) => scales[i]! * plan.unit);
  const results = plan.engine.evaluateScales(plan.prep.ctx, ts, { weights: false });
  const out = new Float64Array(scales.length);
  order.forEach((i, k) => {
    out[i] = results[k]!.magnitude;
  });
  return out;
}
