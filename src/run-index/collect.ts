/**
 * What the index page across runs shows, read back from the tracker (the source of truth): every
 * listed run's written results (its layers' area per step, collapsed steps) and raised alerts. A run
 * whose state cannot be read gets a row saying why; the other runs are unaffected.
 */
import type {
  AlertRecord,
  RunIndex,
  RunIndexEntry,
  RunIndexLayer,
  RunRef,
  StepResult,
  TrackerAdapter,
} from "../adapter-kit.js";
import { isLayerResult } from "../sync/families.js";

/** A layer's row data from its written results: area per step (ascending), collapsed steps. */
export function indexLayers(written: readonly StepResult[]): RunIndexLayer[] {
  const byLayer = new Map<string, StepResult[]>();
  for (const r of written) {
    if (!isLayerResult(r)) continue; // trajectory windows have no layer column
    const list = byLayer.get(r.layer) ?? [];
    list.push(r);
    byLayer.set(r.layer, list);
  }
  return [...byLayer.keys()]
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    .map((layer) => {
      const results = byLayer.get(layer)!.sort((a, b) => a.step - b.step);
      return {
        layer,
        area: results
          .filter((r) => r.metrics.area !== undefined)
          .map((r) => ({ step: r.step, value: r.metrics.area! })),
        collapsedSteps: results.filter((r) => r.metrics.collapsed === 1).map((r) => r.step),
      };
    });
}

async function entryOf(adapter: TrackerAdapter, run: RunRef, signal?: AbortSignal): Promise<RunIndexEntry> {
  try {
    const state = await adapter.readState(run, signal);
    const alerts: readonly AlertRecord[] = adapter.readAlerts ? await adapter.readAlerts(run, signal) : [];
    return { run, layers: indexLayers(state.written), alerts };
  } catch (error) {
    signal?.throwIfAborted();
    return { run, layers: [], alerts: [], problem: error instanceof Error ? error.message : String(error) };
  }
}

/** Every run the adapter lists (no filter: the page covers the whole store, whatever this sync synced). */
export async function collectRunIndex(
  adapter: TrackerAdapter,
  version: string | undefined,
  signal?: AbortSignal,
): Promise<RunIndex> {
  const runs: RunIndexEntry[] = [];
  for await (const run of adapter.listRuns({}, signal)) runs.push(await entryOf(adapter, run, signal));
  return { runs, ...(version === undefined ? {} : { version }) };
}
