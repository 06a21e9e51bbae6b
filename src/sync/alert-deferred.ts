/**
 * Alerts on a run whose writes are deferred (docs/alerts.md "Running runs"): e.g. a run still
 * training (local, W&B without --live). Reading it is allowed, so with --alert its state is read,
 * its new activation files are computed in memory exactly as a sync would (same plan, same
 * reference scale), and the rules are evaluated on stored + computed results. Nothing of its
 * results is written — they are computed again and written once the run can be written; the
 * alert's record (alerts.json, MLflow tag …) is written now and keeps it from being raised again
 * then (same identity: run, rule, key). Trajectory windows are left to the real sync.
 * A new layer is computed on the experiment's T (--scale experiment) when the experiment has one;
 * when a new layer has none yet — only runs that cannot be read now hold it, and a deferred run is no
 * candidate for fixing it (src/experiment-scale/shared-scales.ts) — the run's new layers are checked
 * on the run's own t_conv instead (as --scale run), since without a T every step would be parked
 * as collapsed (src/sync/compute-run.ts). Values that depend on T (area, mag_T …) may then differ
 * from what is written later; n_distinct, t_conv and collapsed do not.
 * Only the alert's own events are emitted (no run-start / step-done for a run that is not synced).
 */
import type { RunRef, StepResult, TrackerAdapter } from "../adapter-kit.js";
import { raiseAlerts } from "../alerts/raise-alerts.js";
import type { SharedScales } from "../experiment-scale/shared-scales.js";
import { planAndAnnounce } from "./announce-plan.js";
import { computePlannedSteps } from "./compute-run.js";
import type { EventSink } from "./events.js";
import { layerStateOf, splitFiles } from "./families.js";
import { findActivations } from "./find-activations.js";
import { failureSettingsKey, setAsideKnownFailures } from "./known-failures.js";
import { alertContext, computeContext } from "./run-contexts.js";
import type { RunOptions } from "./run-one.js";
import { assertSameSettings } from "./settings-identity.js";

/** Events of the alert pass that reach the user; the rest belong to a sync that does not happen. */
const alertEventsOnly =
  (emit: EventSink): EventSink =>
  (e) => {
    if (e.type === "alert" || e.type === "notice" || e.type === "experiment-scale") emit(e);
  };

/** The experiment's scales when every new layer has one; else undefined (the run's own T, see above). */
async function scalesForCheck(
  shared: SharedScales | undefined,
  newLayers: readonly string[],
  signal: AbortSignal | undefined,
): Promise<SharedScales | undefined> {
  if (shared === undefined) return undefined;
  for (const layer of newLayers) if ((await shared.get(layer, signal)) === null) return undefined;
  return shared;
}

/** Raises the deferred run's alerts; no rules or a dry run: nothing is read. */
export async function alertDeferredRun(
  adapter: TrackerAdapter,
  run: RunRef,
  opts: RunOptions,
): Promise<void> {
  const ctx = alertContext(opts);
  if (opts.dryRun || ctx === undefined) return;
  const { signal } = opts;
  const quiet = alertEventsOnly(opts.emit);
  const state = await adapter.readState(run, signal);
  assertSameSettings(run, state, opts.settingsRecord);
  const found = await findActivations(adapter, run, quiet, signal);
  const settingsKey = failureSettingsKey(opts.settingsRecord, opts.maxFileBytes);
  const aside = setAsideKnownFailures(run, found, state, { retryFailed: false, settingsKey }, quiet);
  const { activations } = splitFiles(aside.pending);
  const layerState = layerStateOf(state);
  const plan = planAndAnnounce(run, activations, layerState, opts.settings, opts.filter, quiet);
  let computed: readonly StepResult[] = [];
  if (plan.todoCount > 0) {
    const newLayers = [...new Set(activations.map((a) => a.layer))].filter((l) => !(l in state.references));
    const sharedScales = await scalesForCheck(opts.sharedScales, newLayers, signal);
    const { sharedScales: _, ...rest } = opts;
    const quietOpts: RunOptions = { ...rest, emit: quiet, ...(sharedScales ? { sharedScales } : {}) };
    computed = (
      await computePlannedSteps(computeContext(adapter, run, activations, layerState, quietOpts), plan)
    ).results;
  }
  await raiseAlerts(adapter, run, [...state.written, ...computed], { ...ctx, emit: opts.emit });
}
