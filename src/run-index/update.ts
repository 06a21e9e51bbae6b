/**
 * The last step of a sync (and of `magtrack report`): rewrite the index page across runs, for
 * trackers that keep one (TrackerAdapter.writeRunIndex: the local store). Skipped on --dry-run and
 * after an abort or deadline (the next sync writes it). The page is a view: failing to write it is
 * said in a notice and never fails the sync.
 */
import type { TrackerAdapter } from "../adapter-kit.js";
import type { EventSink } from "../sync/events.js";
import { VERSION } from "../version.js";
import { collectRunIndex } from "./collect.js";

export interface RunIndexUpdate {
  readonly dryRun: boolean;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly stopSignal?: AbortSignal;
}

/** Returns where the page went, or null when it was not written (no capability, dry run, stopped, failed). */
export async function updateRunIndex(adapter: TrackerAdapter, opts: RunIndexUpdate): Promise<string | null> {
  if (adapter.writeRunIndex === undefined || opts.dryRun) return null;
  if (opts.signal?.aborted || opts.stopSignal?.aborted) return null;
  try {
    const index = await collectRunIndex(adapter, VERSION, opts.signal);
    const { location } = await adapter.writeRunIndex(index, opts.signal);
    opts.emit({ type: "run-index", location, runs: index.runs.length });
    return location;
  } catch (error) {
    if (opts.signal?.aborted) return null;
    const why = error instanceof Error ? error.message : String(error);
    opts.emit({ type: "notice", message: `the index page across runs was not written: ${why}` });
    return null;
  }
}
