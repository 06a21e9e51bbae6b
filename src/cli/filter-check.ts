/**
 * Filters that match nothing are said, not silent: `--runs run-z` and `--layers fc9` name what they
 * did not find, and what was there. The runs the adapter listed are observed through a wrapper (before
 * sharding, so a run in another shard still counts as matched); the layers come from run-start events.
 */
import type { RunFilter, RunRef, TrackerAdapter } from "../adapter-kit.js";
import type { EventSink, SyncEvent } from "../sync/events.js";
import type { StepFilter } from "../sync/plan.js";

export interface FilterCheck {
  /** The adapter, with listRuns observed. */
  readonly adapter: TrackerAdapter;
  /** Pass every pipeline event through this sink first. */
  readonly observe: (event: SyncEvent) => void;
  /** Events for the filters that matched nothing (call after a sync that was not stopped early). */
  unmatched(): SyncEvent[];
}

const MAX_NAMED = 10;

function named(values: Iterable<string>): string {
  const list = [...values].sort();
  const head = list.slice(0, MAX_NAMED).join(", ");
  return list.length > MAX_NAMED ? `${head}, … (${list.length} in all)` : head;
}

export function checkFilters(
  adapter: TrackerAdapter,
  runFilter: RunFilter,
  stepFilter: StepFilter,
): FilterCheck {
  const listed: RunRef[] = [];
  const layersSeen = new Set<string>();
  let runsPlanned = 0;
  const observed = new Proxy(adapter, {
    get(target, key) {
      if (key === "listRuns") {
        return async function* (filter: RunFilter, signal?: AbortSignal) {
          // Only the sync's own listing: the index page and the `outside finished` band list runs too.
          const ours = JSON.stringify(filter.runs) === JSON.stringify(runFilter.runs);
          for await (const run of target.listRuns(filter, signal)) {
            if (ours) listed.push(run);
            yield run;
          }
        };
      }
      const value = Reflect.get(target, key, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return {
    adapter: observed,
    observe: (e) => {
      if (e.type !== "run-start") return;
      runsPlanned++;
      for (const layer of e.layers) layersSeen.add(layer);
    },
    unmatched() {
      const out: SyncEvent[] = [];
      // The adapter applies --runs itself, so what it listed is what matched (by id or name).
      if (runFilter.runs !== undefined) {
        const names = new Set(listed.flatMap((r) => [r.id, ...(r.displayName ? [r.displayName] : [])]));
        const missing = runFilter.runs.filter((r) => !names.has(r));
        if (missing.length > 0) {
          out.push({
            type: "filter-unmatched",
            option: "runs",
            values: missing,
            message: `--runs ${missing.join(",")}: no run has this id or name (${listed.length === 0 ? "no run matched" : `matched: ${named(listed.map((r) => r.id))}`})`,
          });
        }
      }
      if (stepFilter.layers !== undefined && runsPlanned > 0) {
        const missing = stepFilter.layers.filter((l) => !layersSeen.has(l));
        if (missing.length > 0) {
          out.push({
            type: "filter-unmatched",
            option: "layers",
            values: missing,
            message: `--layers ${missing.join(",")}: no such layer in any of the ${runsPlanned} run(s) planned (layers seen: ${layersSeen.size === 0 ? "none" : named(layersSeen)})`,
          });
        }
      }
      return out;
    },
  };
}

/** A sink that feeds the check, then the reporter. */
export function observedSink(check: FilterCheck, emit: EventSink): EventSink {
  return (e) => {
    check.observe(e);
    emit(e);
  };
}
