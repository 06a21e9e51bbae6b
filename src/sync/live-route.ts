/**
 * Where a run is synced (before any request for it): into the run itself; through the adapter's
 * live view when the run is deferred and the adapter has one (TrackerAdapter.liveView, e.g. a W&B
 * companion run for a run that is still training); or not at all (deferred, said so). A dry run
 * plans what the real sync would do: through the live view where there is one; a deferred run
 * without one is planned as if it were writable (as dry runs always did).
 */
import type { RunRef, TrackerAdapter } from "../adapter-kit.js";
import type { EventSink } from "./events.js";

/** The adapter to sync the run through, or null when it stays deferred (the event is emitted). */
export function routeRun(
  adapter: TrackerAdapter,
  run: RunRef,
  dryRun: boolean,
  emit: EventSink,
): TrackerAdapter | null {
  const reason = adapter.deferReason?.(run) ?? null;
  if (reason === null) return adapter;
  const live = adapter.liveView?.(run) ?? null;
  if (live !== null) {
    emit({ type: "run-live", run: run.id, target: live.target, reason });
    return live.adapter;
  }
  if (dryRun) return adapter;
  emit({ type: "run-deferred", run: run.id, reason });
  return null;
}
