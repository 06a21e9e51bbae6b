/**
 * Find the experiment's reference for a layer (docs/scale.md): the first run in referenceOrder()
 * holding a file of the layer at which t_conv is defined, at its earliest such step (or at
 * --reference-step). The probe rows are the ones a sync of that run would choose, so T equals the
 * t_conv that run reports at that step. A file that cannot be used as an activation (corrupt,
 * refused, undefined t_conv) is passed over — a deterministic choice every shard repeats; a network
 * or tracker failure propagates (the layer is retried by the next sync).
 */
import type { ActivationRef, RunRef, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import { planRun } from "../sync/plan.js";
import { readClouds } from "../sync/read-clouds.js";
import type { ComputeSettings } from "../sync/settings.js";
import { computeStepTConv } from "../sync/step-result.js";

export interface ReferenceSearch {
  readonly adapter: TrackerAdapter;
  readonly settings: ComputeSettings;
  readonly maxFileBytes: number;
  readonly signal?: AbortSignal;
}

export interface FoundReference {
  readonly run: string;
  readonly step: number;
  readonly T: number;
}

/** Failures that are a property of the file itself (the same for every shard): pass over it. */
function isFileProblem(error: unknown): boolean {
  return error instanceof MagtrackError && ["format", "input", "numerical"].includes(error.kind);
}

/** The run's files that may hold `layer`, one per step (the plan's choice), earliest step first. */
async function candidateFiles(search: ReferenceSearch, run: RunRef, layer: string): Promise<ActivationRef[]> {
  const all: ActivationRef[] = [];
  for await (const ref of search.adapter.listActivations(run, search.signal)) {
    if (ref.layer === layer || ref.layer === "") all.push(ref);
  }
  // planRun keeps one file per (layer, step) with the same preference a sync of the run uses.
  const plan = planRun(all, { references: {}, written: [] }, {}, { layers: [layer] });
  const wanted = search.settings.referenceStep;
  return plan.reads
    .map((r) => r.ref)
    .filter((r) => wanted === undefined || r.step === wanted)
    .sort((a, b) => a.step - b.step || (a.layer === "" ? 1 : 0) - (b.layer === "" ? 1 : 0));
}

export async function findReference(
  search: ReferenceSearch,
  runs: readonly RunRef[],
  layer: string,
): Promise<FoundReference | null> {
  const { settings, signal } = search;
  const nonFinite = settings.nonFinite ?? "fail";
  for (const run of runs) {
    for (const file of await candidateFiles(search, run, layer)) {
      signal?.throwIfAborted();
      try {
        const clouds = await readClouds(search.adapter, run, file, search.maxFileBytes, nonFinite, signal);
        const cloud = clouds.find(([name]) => name === layer)?.[1];
        if (cloud === undefined) continue;
        const key = { run: run.id, layer, step: file.step };
        // t_conv only (distances and the search, no grid or fit): ≈ 1/5 of the step's profile
        const T = computeStepTConv(cloud, key, settings);
        if (T !== null && Number.isFinite(T) && T > 0) return { run: run.id, step: file.step, T };
      } catch (error) {
        if (signal?.aborted || !isFileProblem(error)) throw error;
      }
    }
  }
  return null;
}
