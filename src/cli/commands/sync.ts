/** `magtrack sync` (what cron calls) and `magtrack backfill` (the same pipeline with filters). */
import { syncRuns } from "../../sync/run-many.js";
import { settingsRecord } from "../../sync/settings.js";
import { VERSION } from "../../version.js";
import { EXIT_OK, EXIT_RUNS_FAILED } from "../exit-codes.js";
import type { CliContext } from "../io.js";
import { type ComputeArgs, runFilterFromArgs, settingsFromArgs, stepFilterFromArgs } from "../options.js";
import { createReporter } from "../reporter.js";
import { createTrackerAdapter, type TrackerArgs } from "../tracker.js";

export type SyncArgs = ComputeArgs &
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
  };

export async function runSync(
  command: "sync" | "backfill",
  args: SyncArgs,
  ctx: CliContext,
): Promise<number> {
  const settings = settingsFromArgs(args);
  const runFilter = runFilterFromArgs(args);
  const stepFilter = stepFilterFromArgs(args);
  const adapter = await createTrackerAdapter(args, ctx);
  const reporter = createReporter(ctx, args.json);
  try {
    const summary = await syncRuns({
      adapter,
      runFilter,
      stepFilter,
      settings,
      settingsRecord: settingsRecord(settings, VERSION),
      dryRun: args.dryRun,
      maxFileBytes: args.maxFileBytes,
      emit: reporter.emit,
      stopSignal: ctx.signal,
    });
    reporter.finish(summary, command);
    return summary.failed > 0 ? EXIT_RUNS_FAILED : EXIT_OK;
  } finally {
    await adapter.close?.();
  }
}
