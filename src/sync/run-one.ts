/**
 * Sync one run, in the order of DESIGN.md's flow: read state → find → plan → read/parse/compute each
 * planned file → render → write once → report. Each step is one call into its own file.
 */
import type {
  ActivationRef,
  AlertRecord,
  RunRef,
  RunState,
  StepResult,
  TrackerAdapter,
} from "../adapter-kit.js";
import type { BandSource } from "../alerts/finished-band.js";
import { firedAlerts, raiseAlerts } from "../alerts/raise-alerts.js";
import type { AlertRule } from "../alerts/rule.js";
import type { SharedScales } from "../experiment-scale/shared-scales.js";
import { windowCount } from "../trajectory/plan-windows.js";
import { alongsideWindows, pendingWindows, type WindowSync } from "../trajectory/sync-windows.js";
import { planAndAnnounce } from "./announce-plan.js";
import { computePlannedSteps } from "./compute-run.js";
import type { EventSink, RunOutcome } from "./events.js";
import { layerStateOf, splitFiles } from "./families.js";
import { findActivations } from "./find-activations.js";
import {
  failureSettingsKey,
  recordKnownFailures,
  type SetAside,
  setAsideKnownFailures,
} from "./known-failures.js";
import type { StepFilter } from "./plan.js";
import { renderRunCharts } from "./render.js";
import { reportDryRun, reportUnchanged, reportUpToDate, reportWaiting, runOutcome } from "./report-run.js";
import { alertContext, computeContext, windowContext, withWindows } from "./run-contexts.js";
import type { ComputeSettings } from "./settings.js";
import { assertSameSettings } from "./settings-identity.js";
import type { ProfileComputer } from "./step-result.js";
import { readTrainingCurves } from "./training-curves.js";
import { writeRun } from "./write-run.js";

export { errorCode } from "./error-code.js";

export interface RunOptions {
  readonly settings: ComputeSettings;
  /** Flat settings record stored with the results. */
  readonly settingsRecord: Readonly<Record<string, string>>;
  readonly filter: StepFilter;
  readonly dryRun: boolean;
  readonly maxFileBytes: number;
  /** Read files recorded as known failures again. */
  readonly retryFailed?: boolean;
  readonly emit: EventSink;
  /** Hard abort: work in progress is dropped (nothing partial is written). */
  readonly signal?: AbortSignal;
  /** Where profiles are computed (default: in-process, one after another). */
  readonly computer?: ProfileComputer;
  /** Soft stop (deadline, SIGTERM): no new file is started; what is computed so far is written. */
  readonly stopSignal?: AbortSignal;
  /** One T per (experiment, layer) for new layers (--scale experiment); absent: per-run or pinned T. */
  readonly sharedScales?: SharedScales;
  /** Alert rules (--alert) evaluated on the run's results after compute (docs/alerts.md). */
  readonly alertRules?: readonly AlertRule[];
  /** The experiment's finished runs for "outside finished" rules, shared by the sync's runs. */
  readonly alertBand?: BandSource;
  /** Delivery beyond the tracker's record and the event (--alert-webhook). */
  readonly deliverAlert?: (run: RunRef, alert: AlertRecord, signal?: AbortSignal) => Promise<void>;
}

export async function syncRun(adapter: TrackerAdapter, run: RunRef, opts: RunOptions): Promise<RunOutcome> {
  const { settingsRecord, emit, signal } = opts;
  const upToDate = adapter.upToDate?.(run, settingsRecord);
  if (upToDate) return reportUpToDate(run, upToDate.steps, emit);
  const state = await adapter.readState(run, signal);
  assertSameSettings(run, state, settingsRecord);
  const found = await findActivations(adapter, run, emit, signal);
  const settingsKey = failureSettingsKey(settingsRecord, opts.maxFileBytes);
  const aside = setAsideKnownFailures(
    run,
    found,
    state,
    { retryFailed: opts.retryFailed === true, settingsKey },
    emit,
  );
  const { outcome, results } = await syncPlanned(adapter, run, opts, state, found, aside);
  if (!opts.dryRun) await raiseAlerts(adapter, run, [...state.written, ...results], alertContext(opts));
  return aside.kept.length > 0 ? { ...outcome, knownFailuresSkipped: aside.kept.length } : outcome;
}

async function syncPlanned(
  adapter: TrackerAdapter,
  run: RunRef,
  opts: RunOptions,
  state: RunState,
  found: readonly ActivationRef[],
  aside: SetAside,
): Promise<{ outcome: RunOutcome; results: readonly StepResult[] }> {
  const { settings, settingsRecord, emit, signal } = opts;
  const { activations, weightWindows } = splitFiles(aside.pending);
  const layerState = layerStateOf(state);
  const plan = planAndAnnounce(run, activations, layerState, settings, opts.filter, emit);
  const windows: WindowSync = { ...windowContext(adapter, run, activations, opts), weightWindows };
  const windowsTodo = windowCount(pendingWindows(windows, state.written));
  if (opts.dryRun) return { outcome: reportDryRun(run, plan, emit, windowsTodo), results: [] };
  if (plan.todoCount === 0 && windowsTodo === 0 && state.unfinishedWrite === true) {
    // Nothing new, but an earlier session was cut before it closed: let the adapter finish it.
    const banner = await firedAlerts(run, opts.alertRules ?? [], state.written, opts.alertBand);
    const training = await readTrainingCurves(adapter, run, signal);
    const charts = renderRunCharts(run, state.references, state.written, settingsRecord, banner, training);
    const alertsDue = banner.map((a) => a.id);
    const batch = { newReferences: [], results: [], references: state.references, charts, alertsDue };
    await writeRun(adapter, run, state, batch, settingsRecord, emit, signal);
    return {
      outcome: { run: run.id, status: "ok", stepsComputed: 0, stepsWritten: 0, failures: 0 },
      results: [],
    };
  }
  if (plan.todoCount === 0 && windowsTodo === 0) {
    return { outcome: reportUnchanged(run, plan, found.length, emit), results: [] };
  }

  const steps = computePlannedSteps(computeContext(adapter, run, activations, layerState, opts), plan);
  const { layers, windows: trajectories } = await alongsideWindows(windows, state.written, steps);
  reportWaiting(run, layers, emit);
  const computed = withWindows(layers, trajectories);
  let stepsWritten = 0;
  if (computed.results.length > 0) {
    signal?.throwIfAborted();
    const allResults = [...state.written, ...computed.results];
    // report.html's banner: what the rules raise on these results (the alert step records them next)
    const banner = await firedAlerts(run, opts.alertRules ?? [], allResults, opts.alertBand);
    const training = await readTrainingCurves(adapter, run, signal);
    const charts = renderRunCharts(run, computed.references, allResults, settingsRecord, banner, training);
    const write = { ...computed, charts, alertsDue: banner.map((a) => a.id) };
    stepsWritten = await writeRun(adapter, run, state, write, settingsRecord, emit, signal);
  }
  await recordKnownFailures(adapter, run, state, aside, computed.failedFiles, signal);
  return { outcome: runOutcome(run, computed, stepsWritten), results: computed.results };
}
