/**
 * Step 7a of the flow (render): the run's own logged metrics (loss, accuracy …) for its page's
 * training-curves panel, through the optional TrackerAdapter.readRunMetrics (local:
 * <run>/metrics.jsonl). magtrack's own keys are left out. The panel is a view: a failed read is
 * said on the page and never fails the sync. Adapters that do not store rendered pages
 * (ignoresCharts) are not asked.
 */
import { isMagtrackMetricKey, type RunRef, type TrackerAdapter } from "../adapter-kit.js";
import type { TrainingCurves } from "../charts/index.js";

export async function readTrainingCurves(
  adapter: TrackerAdapter,
  run: RunRef,
  signal?: AbortSignal,
): Promise<TrainingCurves | undefined> {
  if (adapter.ignoresCharts === true) return undefined;
  if (adapter.readRunMetrics === undefined) {
    return { status: "unavailable", reason: `the ${adapter.name} adapter cannot read a run's own metrics` };
  }
  try {
    const metrics = await adapter.readRunMetrics(run, (key) => !isMagtrackMetricKey(key), signal);
    return { status: "read", metrics };
  } catch (error) {
    signal?.throwIfAborted();
    return { status: "unavailable", reason: error instanceof Error ? error.message : String(error) };
  }
}
