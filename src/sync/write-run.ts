/** Step 8 of the flow (write): one write per run, of the new results and the re-rendered charts. */
import type {
  ChartFile,
  LayerReference,
  RunRef,
  RunState,
  StepResult,
  TrackerAdapter,
} from "../adapter-kit.js";
import type { EventSink } from "./events.js";

export interface RunWrite {
  readonly newReferences: readonly LayerReference[];
  readonly results: readonly StepResult[];
  readonly references: Readonly<Record<string, LayerReference>>;
  readonly charts: readonly ChartFile[];
  /** ResultBatch.alertsDue. */
  readonly alertsDue?: readonly string[];
}

/** Writes the batch (possibly empty: an interrupted session is then closed); returns steps written. */
export async function writeRun(
  adapter: TrackerAdapter,
  run: RunRef,
  state: RunState,
  batch: RunWrite,
  settingsRecord: Readonly<Record<string, string>>,
  emit: EventSink,
  signal?: AbortSignal,
): Promise<number> {
  signal?.throwIfAborted();
  const report = await adapter.writeResults!(
    run,
    {
      newReferences: batch.newReferences,
      results: batch.results,
      allResults: [...state.written, ...batch.results],
      references: batch.references,
      charts: batch.charts,
      settings: settingsRecord,
      ...(batch.alertsDue ? { alertsDue: batch.alertsDue } : {}),
    },
    signal,
  );
  emit({ type: "run-written", run: run.id, ...report });
  return batch.results.length;
}
