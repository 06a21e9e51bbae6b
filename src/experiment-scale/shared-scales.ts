/**
 * One T per (experiment, layer), read back from the tracker and fixed once (docs/scale.md):
 * read the stored value; if none, find the deterministic reference, create it (create-if-absent
 * where the tracker can), read it back and adopt what was stored. Two shards racing on a new
 * experiment therefore end with one T. Each layer is resolved once per sync, however many runs ask.
 */
import type { ExperimentScale, RunRef, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { EventSink } from "../sync/events.js";
import type { ComputeSettings } from "../sync/settings.js";
import { findReference } from "./find-reference.js";
import { referenceOrder } from "./reference-order.js";
import { assertScaleSettings, scaleSettingsOf } from "./scale-settings.js";

export interface SharedScales {
  /** The layer's experiment T; null when no run of the experiment has a step with a defined t_conv. */
  get(layer: string, signal?: AbortSignal): Promise<ExperimentScale | null>;
}

/** An adapter that keeps experiment-level scales (both optional capabilities present). */
export type ScaleStore = Required<Pick<TrackerAdapter, "readExperimentScale" | "createExperimentScale">> &
  TrackerAdapter;

export interface SharedScalesOptions {
  readonly adapter: ScaleStore;
  readonly settings: ComputeSettings;
  readonly settingsRecord: Readonly<Record<string, string>>;
  readonly maxFileBytes: number;
  readonly emit: EventSink;
}

export function sameScale(a: ExperimentScale, b: ExperimentScale): boolean {
  return a.layer === b.layer && a.T === b.T && a.run === b.run && a.step === b.step;
}

export function createSharedScales(options: SharedScalesOptions): SharedScales {
  const { adapter, settings, emit } = options;
  const requested = scaleSettingsOf(options.settingsRecord);
  const layers = new Map<string, Promise<ExperimentScale | null>>();
  let runs: Promise<RunRef[]> | undefined;

  /** Every run of the experiment (no filter, no shard: every shard must see the same candidates). */
  const experimentRuns = (signal?: AbortSignal) => {
    runs ??= (async () => {
      const all: RunRef[] = [];
      for await (const run of adapter.listRuns({}, signal)) {
        // Runs the pipeline would not read now are not candidates either; a deferred run it syncs
        // through a live view (W&B: a running run's companion, docs/wandb-live.md) is read now, so
        // it is one — else a project whose runs are all still training would have no T at all.
        const readNow =
          (adapter.deferReason?.(run) ?? null) === null || (adapter.liveView?.(run) ?? null) !== null;
        if (readNow) all.push(run);
      }
      return referenceOrder(all);
    })().catch((error) => {
      runs = undefined;
      throw error;
    });
    return runs;
  };

  const announce = (scale: ExperimentScale, origin: "stored" | "fixed" | "adopted") =>
    emit({
      type: "experiment-scale",
      layer: scale.layer,
      T: scale.T,
      run: scale.run,
      step: scale.step,
      origin,
    });

  const resolve = async (layer: string, signal?: AbortSignal): Promise<ExperimentScale | null> => {
    const stored = await adapter.readExperimentScale(layer, signal);
    if (stored !== null) {
      assertScaleSettings(stored, requested);
      announce(stored, "stored");
      return stored;
    }
    const found = await findReference(
      {
        adapter,
        settings,
        maxFileBytes: options.maxFileBytes,
        ...(signal ? { signal } : {}),
      },
      await experimentRuns(signal),
      layer,
    );
    if (found === null) return null;
    const proposal: ExperimentScale = {
      layer,
      T: found.T,
      run: found.run,
      step: found.step,
      source: `t_conv(q=${settings.q}) at step ${found.step} of run ${found.run}`,
      settings: requested,
    };
    await adapter.createExperimentScale(proposal, signal);
    // Read back and adopt what the tracker holds: another shard may have stored its value first.
    const kept = await adapter.readExperimentScale(layer, signal);
    if (kept === null) {
      throw new MagtrackError(
        "tracker",
        "EXPERIMENT_SCALE_NOT_KEPT",
        `${adapter.name}: the experiment scale of layer "${layer}" was written but reads back as absent`,
      );
    }
    assertScaleSettings(kept, requested);
    announce(kept, sameScale(kept, proposal) ? "fixed" : "adopted");
    return kept;
  };

  return {
    get(layer, signal) {
      let pending = layers.get(layer);
      if (pending === undefined) {
        pending = resolve(layer, signal).catch((error) => {
          // A transient failure must not stick for the other runs; a settings conflict does.
          if (!(error instanceof MagtrackError && error.kind === "usage")) layers.delete(layer);
          throw error;
        });
        layers.set(layer, pending);
      }
      return pending;
    },
  };
}
