/**
 * Which scale new layers get (docs/scale.md): --t-max pins T; --scale run is one T per run;
 * --scale experiment (the default) one T per experiment, where the tracker has an experiment-level
 * store. Without one, an explicit --scale experiment is refused and the default falls back to per-run
 * T with a notice, so nothing is computed on a scale the tracker cannot keep.
 */
import type { TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { EventSink } from "../sync/events.js";
import {
  createSharedScales,
  type ScaleStore,
  type SharedScales,
  type SharedScalesOptions,
} from "./shared-scales.js";

export function hasScaleStore(adapter: TrackerAdapter): adapter is ScaleStore {
  return adapter.readExperimentScale !== undefined && adapter.createExperimentScale !== undefined;
}

/** The experiment's shared scales when new layers use them, else undefined (per-run or pinned T). */
export function sharedScalesFor(
  options: Omit<SharedScalesOptions, "adapter"> & {
    readonly adapter: TrackerAdapter;
    readonly emit: EventSink;
  },
): SharedScales | undefined {
  const { adapter, settings } = options;
  if (settings.tMax !== undefined) return undefined;
  if (settings.scale === "run") return undefined;
  if (hasScaleStore(adapter)) return createSharedScales({ ...options, adapter });
  const missing = `tracker ${adapter.name} has no experiment-level place for one T per experiment in magtrack yet`;
  if (settings.scale === "experiment") {
    throw new MagtrackError(
      "usage",
      "SCALE_NOT_SUPPORTED",
      `--scale experiment: ${missing}; use --scale run (one T per run) or --t-max (one pinned T)`,
    );
  }
  options.emit({ type: "notice", message: `${missing}: new layers get their own run's T (--scale run)` });
  return undefined;
}
