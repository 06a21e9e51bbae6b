/**
 * Steps 4–6 of the flow (read, parse, compute) for every planned file of one run. A failing file or
 * layer is reported and skipped; the others are still done. The first computable step of a layer
 * without a stored reference fixes its T, before any other step of the layer is computed: the
 * experiment's T (--scale experiment, src/experiment-scale/), its own t_conv, or the pinned --t-max.
 */
import type {
  ActivationRef,
  LayerReference,
  RunRef,
  RunState,
  StepResult,
  TrackerAdapter,
} from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";
import { newLayerReference } from "../experiment-scale/layer-reference.js";
import type { SharedScales } from "../experiment-scale/shared-scales.js";
import { errorCode, isAuthError } from "./error-code.js";
import type { EventSink } from "./events.js";
import { type FailedFile, isPermanentFailure } from "./known-failures.js";
import { doneKey, type PlannedRead, type RunPlan, type StepFilter } from "./plan.js";
import { type LayerCloud, readClouds } from "./read-clouds.js";
import { referenceCurves } from "./reference-curves.js";
import type { ComputeSettings } from "./settings.js";
import {
  collapsedStepResult,
  computeStep,
  diffToReference,
  type ProfileComputer,
  probeOf,
} from "./step-result.js";

export interface ComputeContext {
  readonly adapter: TrackerAdapter;
  readonly run: RunRef;
  readonly activations: readonly ActivationRef[];
  readonly state: RunState;
  readonly settings: ComputeSettings;
  readonly filter: StepFilter;
  readonly maxFileBytes: number;
  readonly computer: ProfileComputer;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly stopSignal?: AbortSignal;
  /** One T per (experiment, layer) for layers without a reference (absent: per-run or pinned T). */
  readonly sharedScales?: SharedScales;
}

export interface ComputedRun {
  /** New results, sorted by (layer, step). */
  readonly results: StepResult[];
  readonly newReferences: LayerReference[];
  /** All references of the run (stored + fixed this sync). */
  readonly references: Record<string, LayerReference>;
  readonly failures: number;
  /** Each failure with its file and whether re-reading could fix it (known-failures.ts records these). */
  readonly failedFiles: readonly FailedFile[];
  /** Steps left without a T: their layer had no step with a defined t_conv (one distinct row). */
  readonly waitingForReference: ReadonlyMap<string, readonly number[]>;
}

export async function computePlannedSteps(ctx: ComputeContext, plan: RunPlan): Promise<ComputedRun> {
  const { adapter, run, state, settings, computer, emit, signal } = ctx;
  const references: Record<string, LayerReference> = { ...state.references };
  const newReferences: LayerReference[] = [];
  const done = new Set(state.written.map((r) => doneKey(r.layer, r.step)));
  const results: StepResult[] = [];
  let failures = 0;
  const failedFiles: FailedFile[] = [];

  const nonFinite = settings.nonFinite ?? "fail";
  const read = (ref: ActivationRef) => readClouds(adapter, run, ref, ctx.maxFileBytes, nonFinite, signal);
  /** Rows --non-finite drop-rows removed, by (layer, step): recorded as the rows_dropped metric. */
  const rowsDropped = new Map<string, number>();
  const curves = referenceCurves(run, state.written, references, ctx.activations, read, settings, computer);

  /** diff_ref against the layer's reference, then record and report the finished step. */
  const finishStep = async (planned: PlannedRead, result: StepResult, started: number): Promise<void> => {
    const reference = references[result.layer]!;
    const refCurve = await curves.get(result.layer, reference);
    // the reference step against itself is 0 by definition: its curve may have been computed twice
    // (stored by an interrupted sync, computed again now), equal within the solver's bound, not in bits
    const diff =
      refCurve === undefined
        ? Number.NaN
        : result.step === reference.step
          ? 0
          : diffToReference(result.curve!.t, result.curve!.magnitude, refCurve);
    const dropped: Record<string, number> =
      nonFinite === "drop-rows"
        ? { rows_dropped: rowsDropped.get(doneKey(result.layer, result.step)) ?? 0 }
        : {};
    const full: StepResult = { ...result, metrics: { ...result.metrics, diff_ref: diff, ...dropped } };
    if (planned.purpose === "todo") results.push(full);
    emit({
      type: "step-done",
      run: run.id,
      layer: result.layer,
      step: result.step,
      ms: Math.round(performance.now() - started),
      metrics: full.metrics as Record<string, number>,
    });
  };

  /** An abort or auth error from a concurrent step: no new file is started, and it is rethrown. */
  let fatal: { error: unknown } | undefined;
  /** Steps whose T is known run concurrently (on the worker pool, if any) while later files are read. */
  const inFlight: Promise<void>[] = [];

  /** Clouds seen before their layer has a reference, because t_conv was undefined (one distinct row). */
  const waitingForReference = new Map<string, { read: PlannedRead; cloud: PointCloud }[]>();

  /**
   * Layers ("" = every layer of a multi-layer file) whose file failed for a reason that may pass
   * (network, server): while such a layer has no reference, no later step fixes it this sync — the
   * reference step (diff_ref's base, and T with a per-run scale) must be the layer's first step, not
   * the first one that happened to download. The later steps are left for the next sync.
   */
  const transientlyFailed = new Set<string>();
  const blockedFromFixing = (layer: string) => transientlyFailed.has(layer) || transientlyFailed.has("");

  /** A file or one of its layers failed: report it and go on with the others (an abort propagates). */
  const reportFailure = (ref: ActivationRef, layer: string, error: unknown): void => {
    if (signal?.aborted) throw error;
    // 401/403 are about the credentials, not this file: one fatal error (exit 2), not one per file.
    if (isAuthError(error)) throw error;
    failures++;
    const { code, message } = errorCode(error);
    const permanent = isPermanentFailure(error);
    if (!permanent) transientlyFailed.add(layer);
    failedFiles.push({ ref, layer, code, permanent });
    emit({ type: "file-failed", run: run.id, path: ref.path, layer, step: ref.step, code, message });
  };

  /** Compute one (layer, step); the first computable step of a layer without a reference fixes T. */
  const computeCloud = async (layer: string, cloud: PointCloud, planned: PlannedRead): Promise<void> => {
    const { ref } = planned;
    const started = performance.now();
    let reference = references[layer];
    const fixesReference = reference === undefined;
    if (fixesReference && settings.referenceStep !== undefined && settings.referenceStep !== ref.step) {
      throw new MagtrackError(
        "input",
        "NO_REFERENCE",
        `layer "${layer}": reference step ${settings.referenceStep} has not been computed`,
      );
    }
    if (fixesReference && blockedFromFixing(layer)) return; // not done: the next sync computes it
    const key = { run: run.id, layer, step: ref.step };
    done.add(doneKey(layer, ref.step));
    if (!fixesReference) {
      const task = computeStep(cloud, key, settings, reference!.T, computer).then(({ result }) =>
        finishStep(planned, result, started),
      );
      inFlight.push(
        task.catch((error) => {
          try {
            reportFailure(ref, layer, error);
          } catch (stop) {
            fatal ??= { error: stop }; // kept, not left as an unhandled rejection; thrown after the loop
          }
        }),
      );
      return;
    }
    // The layer's first computable step fixes T: computed now, before any other step of the layer.
    // With a shared scale it is the experiment's T (null: no run of the experiment has a t_conv yet).
    const shared = ctx.sharedScales === undefined ? undefined : await ctx.sharedScales.get(layer, signal);
    const givenT = shared === undefined ? settings.tMax : (shared?.T ?? undefined);
    const { profile, result } = await computeStep(cloud, key, settings, givenT, computer);
    const fixedT = shared === null ? null : (givenT ?? profile.tConv);
    if (fixedT === null || !Number.isFinite(fixedT) || fixedT <= 0) {
      done.delete(doneKey(layer, ref.step));
      if (settings.referenceStep !== undefined) {
        throw new MagtrackError(
          "numerical",
          "NO_REFERENCE_SCALE",
          `${run.id}/${ref.path} layer "${layer}": t_conv is undefined (${profile.nDistinct} distinct rows); --reference-step ${settings.referenceStep} cannot fix the layer's scale`,
        );
      }
      const waiting = waitingForReference.get(layer) ?? [];
      waiting.push({ read: planned, cloud });
      waitingForReference.set(layer, waiting);
      return;
    }
    reference = newLayerReference(layer, ref.step, fixedT, settings, shared ?? undefined);
    references[layer] = reference;
    newReferences.push(reference);
    curves.set(layer, result.curve!.magnitude);
    await finishStep(planned, result, started);
    // Steps that waited for this layer's T (degenerate clouds before it) are computed on its grid now.
    const waiting = waitingForReference.get(layer) ?? [];
    waitingForReference.delete(layer);
    for (const w of waiting) await computeCloud(layer, w.cloud, w.read);
  };

  for (const planned of plan.reads) {
    signal?.throwIfAborted();
    if (fatal !== undefined) break;
    if (ctx.stopSignal?.aborted) break;
    await computer.whenRoom(); // bounded memory: read the next file only when a task may be queued
    const { ref } = planned;
    let clouds: LayerCloud[];
    try {
      clouds = await read(ref);
    } catch (error) {
      reportFailure(ref, ref.layer, error);
      continue;
    }
    for (const [layer, cloud, dropped] of clouds) {
      if (ctx.filter.layers && !ctx.filter.layers.includes(layer)) continue;
      if (done.has(doneKey(layer, ref.step))) continue;
      rowsDropped.set(doneKey(layer, ref.step), dropped);
      try {
        await computeCloud(layer, cloud, planned);
      } catch (error) {
        reportFailure(ref, layer, error);
      }
    }
  }
  await Promise.all(inFlight);
  if (fatal !== undefined) throw fatal.error;
  // Collapsed steps of layers that found no T are written with what is defined (so they show in
  // tables and are not read again every sync); a later step with a t_conv still fixes the layer's T.
  for (const [layer, waiting] of waitingForReference) {
    for (const w of waiting) {
      if (w.read.purpose !== "todo") continue;
      const key = { run: run.id, layer, step: w.read.ref.step };
      const metrics = collapsedStepResult(probeOf(w.cloud, key, settings), key);
      const dropped = rowsDropped.get(doneKey(layer, key.step));
      results.push(
        nonFinite === "drop-rows"
          ? { ...metrics, metrics: { ...metrics.metrics, rows_dropped: dropped ?? 0 } }
          : metrics,
      );
      done.add(doneKey(layer, key.step));
    }
  }
  results.sort((a, b) => (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : a.step - b.step));
  const waitingSteps = new Map(
    [...waitingForReference].map(([layer, w]) => [layer, w.map((x) => x.read.ref.step)]),
  );
  return { results, newReferences, references, failures, failedFiles, waitingForReference: waitingSteps };
}
