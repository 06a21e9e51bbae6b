/**
 * Reads the experiment's finished runs for "outside finished" rules (src/alerts/band.ts): every
 * run the adapter lists as finished (same experiment / root / project as the sync, whatever run
 * filter the sync was given), with the magtrack results the tracker holds for it (readState, the
 * reader `magtrack report` uses). Loaded once per sync, on first need, and only when such a rule
 * is given; a run whose state cannot be read is left out and named, never fails the others.
 */
import type { TrackerAdapter } from "../adapter-kit.js";
import type { EventSink } from "../sync/events.js";
import { type BandRun, type FinishedBand, MIN_BAND_RUNS } from "./band.js";
import { lastResultStep, seriesOf } from "./series.js";

export interface BandSource {
  /** The finished runs, read on the first call and shared by every later one of this sync. */
  load(): Promise<FinishedBand>;
}

export async function readFinishedBand(
  adapter: TrackerAdapter,
  emit: EventSink,
  signal?: AbortSignal,
): Promise<FinishedBand> {
  const runs: BandRun[] = [];
  for await (const run of adapter.listRuns({ statuses: ["finished"] }, signal)) {
    if (run.status !== "finished") continue;
    let written: Awaited<ReturnType<TrackerAdapter["readState"]>>["written"];
    try {
      written = (await adapter.readState(run, signal)).written;
    } catch (error) {
      if (signal?.aborted) throw error;
      emit({
        type: "notice",
        message: `"outside finished" rules: finished run ${run.id} left out of the band (${(error as Error).message})`,
      });
      continue;
    }
    if (written.length === 0) continue;
    const series = new Map(seriesOf(written).map((s) => [s.key, s.points] as const));
    runs.push({ id: run.id, lastStep: lastResultStep(written), series });
  }
  return { runs };
}

/** A per-sync source; says once when the band holds too few finished runs for the rule to fire. */
export function finishedBandSource(
  adapter: TrackerAdapter,
  emit: EventSink,
  signal?: AbortSignal,
): BandSource {
  let loading: Promise<FinishedBand> | undefined;
  return {
    load() {
      loading ??= readFinishedBand(adapter, emit, signal).then((band) => {
        if (band.runs.length < MIN_BAND_RUNS) {
          emit({
            type: "notice",
            message: `"outside finished" rules are inert in this sync: ${band.runs.length} finished run(s) with magtrack results, at least ${MIN_BAND_RUNS} are needed for a band`,
          });
        }
        return band;
      });
      return loading;
    },
  };
}
