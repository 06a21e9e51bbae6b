/**
 * Step 2 of the flow (find): every activation file the adapter lists for a run; entries it skipped
 * (adapters with the skippedEntries capability) are reported with the reason, never silently.
 */
import type { ActivationRef, RunRef, TrackerAdapter } from "../adapter-kit.js";
import type { EventSink } from "./events.js";

export async function findActivations(
  adapter: TrackerAdapter,
  run: RunRef,
  emit: EventSink,
  signal?: AbortSignal,
): Promise<ActivationRef[]> {
  const out: ActivationRef[] = [];
  for await (const ref of adapter.listActivations(run, signal)) out.push(ref);
  for (const s of adapter.skippedEntries?.(run) ?? []) {
    emit({ type: "plan-problem", run: run.id, layer: "", path: s.path, message: `skipped: ${s.reason}` });
  }
  return out;
}
