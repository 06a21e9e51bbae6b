/**
 * Sync many runs, one after another. One failing run never stops the others; an abort (deadline,
 * SIGTERM) stops cleanly at a run boundary — the run in progress finishes its write or writes nothing.
 */
import type { AlertRecord, RunFilter, RunRef, TrackerAdapter } from "../adapter-kit.js";
import { finishedBandSource } from "../alerts/finished-band.js";
import type { AlertRule } from "../alerts/rule.js";
import { sharedScalesFor } from "../experiment-scale/scale-mode.js";
import { updateRunIndex } from "../run-index/update.js";
import { alertDeferredRun } from "./alert-deferred.js";
import { isAuthError } from "./error-code.js";
import type { EventSink, RunOutcome, SyncSummary } from "./events.js";
import { type LeaseSettings, withRunLease } from "./lease.js";
import { routeRun } from "./live-route.js";
import type { StepFilter } from "./plan.js";
import { errorCode, type RunOptions, syncRun } from "./run-one.js";
import type { ComputeSettings } from "./settings.js";
import type { ProfileComputer } from "./step-result.js";

export interface SyncOptions {
  readonly adapter: TrackerAdapter;
  readonly runFilter: RunFilter;
  readonly stepFilter?: StepFilter;
  readonly settings: ComputeSettings;
  readonly settingsRecord: Readonly<Record<string, string>>;
  readonly dryRun?: boolean;
  readonly maxFileBytes?: number;
  /** Read files recorded as known failures again (default: set aside while unchanged). */
  readonly retryFailed?: boolean;
  readonly emit?: EventSink;
  /** Stop starting new runs once this signal aborts (deadline, SIGTERM). */
  readonly stopSignal?: AbortSignal;
  /** Hard abort of work in progress. */
  readonly signal?: AbortSignal;
  /** Where profiles are computed (default in-process); e.g. createPooledComputer(threads). */
  readonly computer?: ProfileComputer;
  /** Runs to skip (e.g. another shard's); decided before any request for the run is made. */
  readonly acceptRun?: (runId: string) => boolean;
  /** Run-lease settings for adapters that keep leases (src/sync/lease.ts); defaults apply otherwise. */
  readonly lease?: LeaseSettings;
  /** Alert rules evaluated on each synced run (docs/alerts.md). */
  readonly alertRules?: readonly AlertRule[];
  readonly deliverAlert?: (run: RunRef, alert: AlertRecord, signal?: AbortSignal) => Promise<void>;
}

const signals = (o: SyncOptions) => ({
  ...(o.signal ? { signal: o.signal } : {}),
  ...(o.stopSignal ? { stopSignal: o.stopSignal } : {}),
});

export function summarize(outcomes: readonly RunOutcome[], stoppedEarly: string | null): SyncSummary {
  const count = (s: RunOutcome["status"]) => outcomes.filter((o) => o.status === s).length;
  return {
    runs: outcomes.length,
    ok: count("ok") + count("planned"),
    unchanged: count("unchanged"),
    deferred: count("deferred"),
    failed: count("failed") + count("partial"),
    stepsWritten: outcomes.reduce((s, o) => s + o.stepsWritten, 0),
    stepsPlanned: outcomes.reduce((s, o) => s + (o.stepsPlanned ?? 0), 0),
    runsWithoutFiles: outcomes.filter((o) => o.filesFound === 0).length,
    fileFailures: outcomes.reduce((s, o) => s + o.failures, 0),
    knownFailuresSkipped: outcomes.reduce((s, o) => s + (o.knownFailuresSkipped ?? 0), 0),
    stoppedEarly,
    outcomes,
  };
}

export async function syncRuns(options: SyncOptions): Promise<SyncSummary> {
  const { adapter } = options;
  const emit = options.emit ?? (() => {});
  const dryRun = options.dryRun === true || adapter.writeResults === undefined;
  const outcomes: RunOutcome[] = [];
  let stoppedEarly: string | null = null;
  // One T per (experiment, layer) for new layers, resolved once per sync (docs/scale.md).
  const sharedScales = sharedScalesFor({
    adapter,
    settings: options.settings,
    settingsRecord: options.settingsRecord,
    maxFileBytes: options.maxFileBytes ?? 2 ** 31,
    emit,
  });
  // The finished runs "outside finished" rules compare with, read once per sync on first need.
  const alertBand = options.alertRules?.some((r) => r.condition.kind === "outside")
    ? finishedBandSource(adapter, emit, options.signal)
    : undefined;
  try {
    for await (const run of adapter.listRuns(options.runFilter, options.signal)) {
      if (options.stopSignal?.aborted) {
        stoppedEarly = String(options.stopSignal.reason ?? "stopped");
        emit({ type: "stopped", reason: stoppedEarly });
        break;
      }
      if (options.acceptRun && !options.acceptRun(run.id)) continue;
      const target = routeRun(adapter, run, dryRun, emit);
      try {
        const leaseOptions = { dryRun, emit, settings: options.lease, signal: options.signal };
        const runOptions = (signal: AbortSignal | undefined): RunOptions => ({
          settings: options.settings,
          settingsRecord: options.settingsRecord,
          filter: options.stepFilter ?? {},
          dryRun,
          maxFileBytes: options.maxFileBytes ?? 2 ** 31,
          retryFailed: options.retryFailed === true,
          emit,
          ...(signal ? { signal } : {}),
          ...(options.stopSignal ? { stopSignal: options.stopSignal } : {}),
          ...(options.computer ? { computer: options.computer } : {}),
          ...(sharedScales ? { sharedScales } : {}),
          ...(options.alertRules ? { alertRules: options.alertRules } : {}),
          ...(alertBand ? { alertBand } : {}),
          ...(options.deliverAlert ? { deliverAlert: options.deliverAlert } : {}),
        });
        if (target === null) {
          // Not written now; with --alert its results are still read and checked (alert-deferred.ts).
          await alertDeferredRun(adapter, run, runOptions(options.signal));
          outcomes.push({ run: run.id, status: "deferred", stepsComputed: 0, stepsWritten: 0, failures: 0 });
          continue;
        }
        outcomes.push(
          await withRunLease(target, run, leaseOptions, (leased, signal) =>
            syncRun(leased, run, runOptions(signal)),
          ),
        );
      } catch (error) {
        if (options.signal?.aborted) {
          // Interrupted mid-run: what it wrote is consistent (idempotent writes); the rest waits for the
          // next sync. It counts as failed so the exit code tells a monitor the job did not finish.
          stoppedEarly = String(options.signal.reason ?? "aborted");
          emit({
            type: "run-failed",
            run: run.id,
            code: "ABORTED",
            message: `interrupted (${stoppedEarly}); the next sync completes this run`,
          });
          outcomes.push({ run: run.id, status: "failed", stepsComputed: 0, stepsWritten: 0, failures: 1 });
          emit({ type: "stopped", reason: stoppedEarly });
          break;
        }
        // Auth errors end the sync: every other run would fail the same way (the CLI exits 2, once).
        if (isAuthError(error)) throw error;
        emit({ type: "run-failed", run: run.id, ...errorCode(error) });
        outcomes.push({ run: run.id, status: "failed", stepsComputed: 0, stepsWritten: 0, failures: 1 });
      }
    }
  } catch (error) {
    // Listing the runs was cut by the hard abort: report what was done; any other listing failure
    // (auth, tracker down) propagates to the CLI, which maps it to its exit code.
    if (!options.signal?.aborted) throw error;
    stoppedEarly = String(options.signal.reason ?? "aborted");
    emit({ type: "stopped", reason: stoppedEarly });
  }
  if (stoppedEarly === null && options.stopSignal?.aborted) {
    // The deadline or SIGTERM came during the last run: it wrote what it had computed.
    stoppedEarly = String(options.stopSignal.reason ?? "stopped");
    emit({ type: "stopped", reason: stoppedEarly });
  }
  await updateRunIndex(adapter, { dryRun, emit, ...signals(options) });
  return summarize(outcomes, stoppedEarly);
}
