/** `magtrack sync` (what cron calls) and `magtrack backfill` (the same pipeline with filters). */
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseAlertRules } from "../../alerts/parse-rule.js";
import { alertWebhook, parseWebhookUrl } from "../../alerts/webhook.js";
import { MagtrackError } from "../../core/errors.js";
import { acquireLock } from "../../sync/lock.js";
import { createPooledComputer } from "../../sync/pool-computer.js";
import { summarize, syncRuns } from "../../sync/run-many.js";
import { settingsRecord } from "../../sync/settings.js";
import { inShard, shardFromEnv } from "../../sync/shard.js";
import { VERSION } from "../../version.js";
import { EXIT_OK, EXIT_RUNS_FAILED, EXIT_STOPPED_EARLY } from "../exit-codes.js";
import { checkFilters, observedSink } from "../filter-check.js";
import type { CliContext } from "../io.js";
import {
  type ComputeArgs,
  parseDuration,
  runFilterFromArgs,
  settingsFromArgs,
  stepFilterFromArgs,
} from "../options.js";
import { countPlannedSteps } from "../plan-total.js";
import { createReporter } from "../reporter.js";
import { createTrackerAdapter, type TrackerArgs } from "../tracker.js";
import { type TrajectoryArgs, trajectorySettingsFromArgs } from "../trajectory-options.js";

export type SyncArgs = ComputeArgs &
  TrajectoryArgs &
  TrackerArgs & {
    runs?: string[];
    since?: string;
    until?: string;
    status?: string[];
    layers?: string[];
    stepMin?: number;
    stepMax?: number;
    dryRun: boolean;
    json: boolean;
    quiet?: boolean;
    verbose?: boolean;
    shard?: string;
    maxDuration?: string;
    lock: boolean;
    lockFile?: string;
    workers: number;
    retryFailed: boolean;
    alert?: string[];
    alertWebhook?: string;
  };

/** One lock per store: the local root, or the tracker address + experiment/project. */
function defaultLockFile(a: SyncArgs, ctx: CliContext): string {
  const where =
    a.tracker === "local"
      ? resolve(ctx.cwd, a.root ?? "")
      : [
          a.tracker,
          ctx.env.MLFLOW_TRACKING_URI ?? ctx.env.WANDB_BASE_URL ?? "",
          a.experiment,
          a.entity,
          a.project,
        ].join("|");
  const id = createHash("sha256").update(where).digest("hex").slice(0, 16);
  return join(tmpdir(), `magtrack-${a.tracker}-${id}.lock`);
}

export async function runSync(
  command: "sync" | "backfill",
  args: SyncArgs,
  ctx: CliContext,
): Promise<number> {
  const settings = { ...settingsFromArgs(args), ...trajectorySettingsFromArgs(args) };
  const runFilter = runFilterFromArgs(args);
  const stepFilter = stepFilterFromArgs(args);
  const shard = shardFromEnv(args.shard, ctx.env);
  const deadline = args.maxDuration === undefined ? null : parseDuration(args.maxDuration);
  if (!Number.isInteger(args.workers) || args.workers < 1 || args.workers > 64) {
    throw new MagtrackError(
      "usage",
      "BAD_OPTION",
      `--workers must be an integer in [1, 64], got ${args.workers}`,
    );
  }
  const alertRules = parseAlertRules(args.alert);
  if (args.alertWebhook !== undefined) parseWebhookUrl(args.alertWebhook); // usage error before any work
  const trackerAdapter = await createTrackerAdapter(args, ctx);
  const filters = checkFilters(trackerAdapter, runFilter, stepFilter);
  const adapter = filters.adapter;
  const reporter = createReporter(ctx, {
    json: args.json,
    quiet: args.quiet === true,
    verbose: args.verbose === true,
  });
  const deliverAlert =
    args.alertWebhook === undefined ? undefined : alertWebhook(args.alertWebhook, { emit: reporter.emit });

  const lockPath = args.lockFile ?? defaultLockFile(args, ctx);
  const lock = args.lock && !args.dryRun ? await acquireLock(lockPath) : null;
  if (lock && !lock.acquired) {
    // Visible in the summary (skippedByLock) and exit 0: an overlapping tick is normal for cron; the
    // holder's own summary reports its work. A stale lock (crash, reboot, reused pid) is taken over.
    const holder = lock.holder
      ? `pid ${lock.holder.pid} on ${lock.holder.host} since ${new Date(lock.holder.started).toISOString()}`
      : "another process";
    const message = `another magtrack sync of this store is running (${holder}); nothing to do (lock ${lockPath})`;
    if (args.json) ctx.stdout(JSON.stringify({ type: "skipped", command, reason: message }) + "\n");
    else ctx.stderr(`magtrack ${command}: ${message}\n`);
    reporter.finish({ ...summarize([], null), skippedByLock: { lockFile: lockPath, holder } }, command);
    await adapter.close?.();
    return EXIT_OK;
  }
  // Soft stop at the deadline or SIGTERM: no new file is started, what is computed is written.
  // Hard abort a grace period later: a request still retrying (Retry-After storms, a stalled server)
  // is cancelled, so the job ends close to its deadline. Aborting mid-write is safe: every write is
  // read-before-write idempotent and the next sync completes the run.
  // The deadline counts from the process start (ctx.startedAt), so slow imports on a loaded machine
  // are inside it; every request is cut by the hard abort, whatever its own timeout (30 s).
  const elapsed = ctx.startedAt === undefined ? 0 : performance.now() - ctx.startedAt;
  const stopSignal =
    deadline === null
      ? ctx.signal
      : AbortSignal.any([
          ctx.signal,
          timeoutSignal(Math.max(0, deadline - elapsed), `--max-duration ${args.maxDuration} reached`),
        ]);
  const abortSignal = afterGrace(stopSignal, deadline === null ? SIGTERM_GRACE_MS : graceFor(deadline));
  // The run leases of a job with a deadline expire by then (plus LEASE_MARGIN_MS): a lease left by a
  // kill -9 blocks other hosts no longer than this job could have run.
  const lease = deadline === null ? undefined : { stopBy: Date.now() + Math.max(0, deadline - elapsed) };
  const computer = args.workers > 1 && !args.dryRun ? createPooledComputer(args.workers) : undefined;
  // --max-memory is for all workers together: each of them may hold one profile at a time
  const perWorker = { ...settings, maxMemoryBytes: Math.floor(settings.maxMemoryBytes! / args.workers) };
  try {
    const options = {
      runFilter,
      stepFilter,
      settings: perWorker,
      settingsRecord: settingsRecord(settings, VERSION),
      dryRun: args.dryRun,
      maxFileBytes: args.maxFileBytes,
      retryFailed: args.retryFailed === true,
      stopSignal,
      signal: abortSignal,
      acceptRun: (id: string) => inShard(id, shard),
      alertRules,
      ...(deliverAlert ? { deliverAlert } : {}),
      ...(lease ? { lease } : {}),
    };
    if (reporter.showsProgress && !args.dryRun) {
      reporter.planned(await countPlannedSteps({ ...options, adapter: trackerAdapter }));
    }
    const summary = await syncRuns({
      ...options,
      adapter,
      emit: observedSink(filters, reporter.emit),
      ...(computer ? { computer } : {}),
    });
    // A listing cut short says nothing about what the filters would have matched.
    if (summary.stoppedEarly === null) for (const e of filters.unmatched()) reporter.emit(e);
    reporter.finish(summary, command);
    // Failures first (exit 1); then a stop with work left (exit 3), so "0 runs, exit 0" never hides a
    // deadline that cut the job, e.g. against a server that accepts and never answers.
    return summary.failed > 0
      ? EXIT_RUNS_FAILED
      : summary.stoppedEarly !== null
        ? EXIT_STOPPED_EARLY
        : EXIT_OK;
  } finally {
    await computer?.close();
    if (lock?.acquired) await lock.release();
    await adapter.close?.();
  }
}

/** After SIGTERM without --max-duration: Kubernetes' default terminationGracePeriodSeconds is 30 s. */
const SIGTERM_GRACE_MS = 10_000;

/** Grace between the soft stop and the hard abort: 10 % of the deadline, within [100 ms, 10 s]. */
export function graceFor(deadlineMs: number): number {
  return Math.min(10_000, Math.max(100, 0.1 * deadlineMs));
}

/** A signal that aborts `ms` after `signal` does, with the same reason. */
function afterGrace(signal: AbortSignal, ms: number): AbortSignal {
  const controller = new AbortController();
  const fire = () => setTimeout(() => controller.abort(signal.reason), ms).unref();
  if (signal.aborted) fire();
  else signal.addEventListener("abort", fire, { once: true });
  return controller.signal;
}

/** Like AbortSignal.timeout, with a readable reason and without keeping the process alive. */
function timeoutSignal(ms: number, reason: string): AbortSignal {
  const controller = new AbortController();
  setTimeout(() => controller.abort(reason), ms).unref();
  return controller.signal;
}
