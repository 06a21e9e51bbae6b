/**
 * The trajectory step of a run's sync (one call in src/sync/run-one.ts): plan the windows not yet
 * written and compute them, alongside the layer step (alongsideWindows).
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

/**
 * Steps 6a (layers) and 6b (trajectories) of a run side by side. The windows read their own files and
 * need no result of this sync, except those of a layer that only its magnitude results name (one file
 * per step holding every layer): they are planned once `layers` is done, from everything the run then
 * holds. So while worker threads compute the layers, the calling thread reads and computes the windows
 * (CPU profile of a 2 × 100-step, 2-layer sync on 2 workers: ≈ 1 s per run in which both workers
 * waited for it, after the layers). Both are awaited before either error is thrown: nothing keeps
 * running behind a failed run.
 */
export async function alongsideWindows<T extends { readonly results: readonly StepResult[] }>(
  ctx: WindowSync,
  written: readonly StepResult[],
  layers: Promise<T>,
): Promise<{ layers: T; windows: ComputedWindows }> {
  const early = computeWindows(ctx, pendingWindows(ctx, written));
  const [l, e] = await Promise.allSettled([layers, early]);
  if (l.status === "rejected") throw l.reason;
  if (e.status === "rejected") throw e.reason;
  const held = [...written, ...l.value.results, ...e.value.results];
  const late = await computeWindows(ctx, pendingWindows(ctx, held));
  return {
    layers: l.value,
    windows: {
      results: [...e.value.results, ...late.results],
      failures: e.value.failures + late.failures,
    },
  };
}
