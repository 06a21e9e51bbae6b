/**
 * The progress bar's total, known before the first step is computed: a dry run of the same sync
 * (list, read each run's state, find and plan its files; nothing is downloaded or written), counting
 * the steps the plans would write. It costs the listing and state reads once more, so it runs only
 * when a bar is drawn (a terminal without --quiet or --json).
 */
import { type SyncOptions, syncRuns } from "../sync/run-many.js";

export async function countPlannedSteps(options: SyncOptions): Promise<number> {
  const { computer: _unused, ...rest } = options;
  const summary = await syncRuns({ ...rest, dryRun: true, emit: () => {} });
  return summary.stepsPlanned;
}
