/**
 * What syncRun hands to the compute and trajectory steps, built from one run's options (kept out of
 * run-one.ts so the flow there reads as one call per step).
 */
import type { ActivationRef, RunRef, RunState, TrackerAdapter } from "../adapter-kit.js";
import type { AlertContext } from "../alerts/raise-alerts.js";
import type { ComputedWindows } from "../trajectory/compute-windows.js";
import type { WindowSync } from "../trajectory/sync-windows.js";
import type { ComputeContext, ComputedRun } from "./compute-run.js";
import type { RunOptions } from "./run-one.js";
import { IN_PROCESS } from "./step-result.js";

export function computeContext(
  adapter: TrackerAdapter,
  run: RunRef,
  activations: readonly ActivationRef[],
  state: RunState,
  opts: RunOptions,
): ComputeContext {
  return {
    adapter,
    run,
    activations,
    state,
    settings: opts.settings,
    filter: opts.filter,
    maxFileBytes: opts.maxFileBytes,
    computer: opts.computer ?? IN_PROCESS,
    emit: opts.emit,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
    ...(opts.sharedScales ? { sharedScales: opts.sharedScales } : {}),
  };
}

export function windowContext(
  adapter: TrackerAdapter,
  run: RunRef,
  activations: readonly ActivationRef[],
  opts: RunOptions,
): Omit<WindowSync, "weightWindows"> {
  return {
    adapter,
    run,
    activations,
    settings: opts.settings,
    filter: opts.filter,
    maxFileBytes: opts.maxFileBytes,
    emit: opts.emit,
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.stopSignal ? { stopSignal: opts.stopSignal } : {}),
  };
}

/** The layer results and the trajectory windows of a run, as one batch to write. */
export function withWindows(layers: ComputedRun, windows: ComputedWindows): ComputedRun {
  return {
    ...layers,
    results: [...layers.results, ...windows.results],
    failures: layers.failures + windows.failures,
  };
}

/** The alert step's context; undefined when no rule was given. */
export function alertContext(opts: RunOptions): AlertContext | undefined {
  if (!opts.alertRules || opts.alertRules.length === 0) return undefined;
  return {
    rules: opts.alertRules,
    emit: opts.emit,
    ...(opts.deliverAlert ? { deliver: opts.deliverAlert } : {}),
    ...(opts.alertBand ? { band: opts.alertBand } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
}
