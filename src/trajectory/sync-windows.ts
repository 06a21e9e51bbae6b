/**
 * The trajectory step of a run's sync (one call in src/sync/run-one.ts): plan the windows not yet
 * written, given every result the run holds after this sync's layer results, and compute them.
 */
import type { ActivationRef, StepResult } from "../adapter-kit.js";
import type { StepFilter } from "../sync/plan.js";
import { type ComputedWindows, computeWindows, type WindowContext } from "./compute-windows.js";
import { planWindows, type WindowPlan } from "./plan-windows.js";
import { DEFAULT_REPRESENTATION_WINDOW } from "./representation-window.js";

export interface WindowSync extends WindowContext {
  readonly weightWindows: readonly ActivationRef[];
  readonly filter: StepFilter;
}

/** The windows still to compute, given what the run holds (all families). */
export function pendingWindows(ctx: WindowSync, written: readonly StepResult[]): WindowPlan {
  const W = ctx.settings.representationWindow ?? DEFAULT_REPRESENTATION_WINDOW;
  return planWindows(ctx.activations, ctx.weightWindows, written, W, ctx.filter);
}

export async function syncWindows(ctx: WindowSync, written: readonly StepResult[]): Promise<ComputedWindows> {
  return computeWindows(ctx, pendingWindows(ctx, written));
}
