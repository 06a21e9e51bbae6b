/**
 * Sync one run: read state → list activations → plan → read/parse/compute each planned file →
 * render → write once. A failing file is reported and skipped; the others are still done.
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
import { parseActivation } from "../io/activation.js";
import type { EventSink, RunOutcome } from "./events.js";
import { doneKey, type PlannedRead, planRun, type StepFilter } from "./plan.js";
import { renderRunCharts } from "./render.js";
import type { ComputeSettings } from "./settings.js";
import { computeStep, diffToReference, IN_PROCESS, type ProfileComputer } from "./step-result.js";

export interface RunOptions {
  readonly settings: ComputeSettings;
  /** Flat settings record stored with the results. */
  readonly settingsRecord: Readonly<Record<string, string>>;
  readonly filter: StepFilter;
  readonly dryRun: boolean;
  readonly maxFileBytes: number;
  readonly emit: EventSink;
  /** Hard abort: work in progress is dropped (nothing partial is written). */
  readonly signal?: AbortSignal;
  /** Where profiles are computed (default: in-process, one after another). */
  readonly computer?: ProfileComputer;
  /** Soft stop (deadline, SIGTERM): no new file is started; what is computed so far is written. */
  readonly stopSignal?: AbortSignal;
}

export function errorCode(error: unknown): { code: string; message: string } {
  if (error instanceof MagtrackError) return { code: error.code, message: error.message };
  if (error instanceof Error && error.name === "AbortError")
    return { code: "ABORTED", message: error.message };
  return { code: "INTERNAL", message: error instanceof Error ? error.message : String(error) };
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
}

function cloudsOf(parsed: PointCloud | Map<string, PointCloud>, ref: ActivationRef): [string, PointCloud][] {
  if (parsed instanceof Map) {
    if (ref.layer !== "" && ref.arrayName === undefined) {
      const only = [...parsed.values()];
      if (only.length === 1) return [[ref.layer, only[0]!]];
      throw new MagtrackError(
        "format",
        "AMBIGUOUS_ARRAY",
        `${ref.path}: holds ${only.length} arrays; expected one`,
      );
    }
    return [...parsed.entries()].map(([name, cloud]) => [ref.layer === "" ? name : ref.layer, cloud]);
  }
  return [[ref.layer, parsed]];
}

export async function syncRun(adapter: TrackerAdapter, run: RunRef, opts: RunOptions): Promise<RunOutcome> {
  const { settings, emit, signal } = opts;
  const computer = opts.computer ?? IN_PROCESS;
  const state: RunState = await adapter.readState(run, signal);
  const activations = await collect(adapter.listActivations(run, signal));
  const plan = planRun(activations, state, settings, opts.filter);
  for (const p of plan.problems) emit({ type: "plan-problem", run: run.id, ...p });
  const todoCount = plan.reads.filter((r) => r.purpose === "todo").length;
  emit({
    type: "run-start",
    run: run.id,
    files: activations.length,
    todo: todoCount,
    alreadyDone: plan.alreadyDone,
  });

  if (opts.dryRun) {
    emit({
      type: "run-planned",
      run: run.id,
      reads: plan.reads.map((r) => ({
        path: r.ref.path,
        layer: r.ref.layer,
        step: r.ref.step,
        purpose: r.purpose,
      })),
    });
    return { run: run.id, status: "planned", stepsComputed: 0, stepsWritten: 0, failures: 0 };
  }
  if (todoCount === 0 && state.unfinishedWrite === true) {
    // Nothing new, but an earlier session was cut before it closed: let the adapter finish it.
    const report = await adapter.writeResults!(
      run,
      {
        newReferences: [],
        results: [],
        allResults: state.written,
        references: state.references,
        charts: renderRunCharts(run, state.references, state.written, opts.settingsRecord),
        settings: opts.settingsRecord,
      },
      signal,
    );
    emit({ type: "run-written", run: run.id, ...report });
    return { run: run.id, status: "ok", stepsComputed: 0, stepsWritten: 0, failures: 0 };
  }
  if (todoCount === 0) {
    emit({ type: "run-unchanged", run: run.id, alreadyDone: plan.alreadyDone });
    return { run: run.id, status: "unchanged", stepsComputed: 0, stepsWritten: 0, failures: 0 };
  }

  const references: Record<string, LayerReference> = { ...state.references };
  const newReferences: LayerReference[] = [];
  const done = new Set(state.written.map((r) => doneKey(r.layer, r.step)));
  /** Reference curves for diff_ref, by layer: from stored results when they kept the curve. */
  const referenceCurves = new Map<string, readonly number[]>();
  for (const r of state.written) {
    if (r.curve && references[r.layer]?.step === r.step) referenceCurves.set(r.layer, r.curve.magnitude);
  }
  const results: StepResult[] = [];
  let failures = 0;

  const readClouds = async (ref: ActivationRef) => {
    const bytes = await adapter.readActivation(ref, signal);
    const parsed = parseActivation(bytes, {
      source: `${run.id}/${ref.path}`,
      format: ref.format,
      maxBytes: opts.maxFileBytes,
      ...(ref.arrayName === undefined ? {} : { arrayName: ref.arrayName }),
    });
    return cloudsOf(parsed, ref);
  };

  /** The reference step's curve on the layer's grid: stored, computed this sync, or recomputed now
   * (once per layer, however many steps ask at the same time). */
  const recomputedCurves = new Map<string, Promise<readonly number[] | undefined>>();
  const referenceCurve = async (
    layer: string,
    ref: LayerReference,
  ): Promise<readonly number[] | undefined> => {
    const known = referenceCurves.get(layer);
    if (known !== undefined || ref.step === null) return known;
    let pending = recomputedCurves.get(layer);
    if (pending === undefined) {
      const step = ref.step;
      pending = (async () => {
        const file = activations.find((a) => a.step === step && (a.layer === layer || a.layer === ""));
        if (file === undefined) return undefined;
        const cloud = (await readClouds(file)).find(([name]) => name === layer)?.[1];
        if (cloud === undefined) return undefined;
        const { result } = await computeStep(cloud, { run: run.id, layer, step }, settings, ref.T, computer);
        return result.curve!.magnitude;
      })();
      recomputedCurves.set(layer, pending);
    }
    return pending;
  };

  /** diff_ref against the layer's reference, then record and report the finished step. */
  const finishStep = async (read: PlannedRead, result: StepResult, started: number): Promise<void> => {
    const refCurve = await referenceCurve(result.layer, references[result.layer]!);
    const diff =
      refCurve === undefined
        ? Number.NaN
        : diffToReference(result.curve!.t, result.curve!.magnitude, refCurve);
    const full: StepResult = { ...result, metrics: { ...result.metrics, diff_ref: diff } };
    if (read.purpose === "todo") results.push(full);
    emit({
      type: "step-done",
      run: run.id,
      layer: result.layer,
      step: result.step,
      ms: Math.round(performance.now() - started),
      metrics: full.metrics as Record<string, number>,
    });
  };

  /** Steps whose T is known run concurrently (on the worker pool, if any) while later files are read. */
  const inFlight: Promise<void>[] = [];

  /** Clouds seen before their layer has a reference, because t_conv was undefined (one distinct row). */
  const waitingForReference = new Map<string, { read: PlannedRead; cloud: PointCloud }[]>();

  /** Compute one (layer, step); the first computable step of a layer without a reference fixes T. */
  const computeCloud = async (layer: string, cloud: PointCloud, read: PlannedRead): Promise<void> => {
    const { ref } = read;
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
    const key = { run: run.id, layer, step: ref.step };
    done.add(doneKey(layer, ref.step));
    if (!fixesReference) {
      const task = computeStep(cloud, key, settings, reference!.T, computer).then(({ result }) =>
        finishStep(read, result, started),
      );
      inFlight.push(task.catch((error) => reportFailure(ref, layer, error)));
      return;
    }
    // The layer's first computable step fixes T: computed now, before any other step of the layer.
    const { profile, result } = await computeStep(cloud, key, settings, settings.tMax, computer);
    const fixedT = settings.tMax ?? profile.tConv;
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
      waiting.push({ read, cloud });
      waitingForReference.set(layer, waiting);
      return;
    }
    reference = {
      layer,
      T: fixedT,
      step: ref.step,
      source:
        settings.tMax !== undefined ? "pinned (--t-max)" : `t_conv(q=${settings.q}) at step ${ref.step}`,
    };
    references[layer] = reference;
    newReferences.push(reference);
    referenceCurves.set(layer, result.curve!.magnitude);
    await finishStep(read, result, started);
    // Steps that waited for this layer's T (degenerate clouds before it) are computed on its grid now.
    const waiting = waitingForReference.get(layer) ?? [];
    waitingForReference.delete(layer);
    for (const w of waiting) await computeCloud(layer, w.cloud, w.read);
  };

  /** A file or one of its layers failed: report it and go on with the others (an abort propagates). */
  const reportFailure = (ref: ActivationRef, layer: string, error: unknown): void => {
    if (signal?.aborted) throw error;
    failures++;
    emit({ type: "file-failed", run: run.id, path: ref.path, layer, step: ref.step, ...errorCode(error) });
  };

  for (const read of plan.reads) {
    signal?.throwIfAborted();
    if (opts.stopSignal?.aborted) break;
    await computer.whenRoom(); // bounded memory: read the next file only when a task may be queued
    const { ref } = read;
    let clouds: [string, PointCloud][];
    try {
      clouds = await readClouds(ref);
    } catch (error) {
      reportFailure(ref, ref.layer, error);
      continue;
    }
    for (const [layer, cloud] of clouds) {
      if (opts.filter.layers && !opts.filter.layers.includes(layer)) continue;
      if (done.has(doneKey(layer, ref.step))) continue;
      try {
        await computeCloud(layer, cloud, read);
      } catch (error) {
        reportFailure(ref, layer, error);
      }
    }
  }
  await Promise.all(inFlight);
  results.sort((a, b) => (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : a.step - b.step));
  for (const [layer, waiting] of waitingForReference) {
    emit({
      type: "plan-problem",
      run: run.id,
      layer,
      message:
        `layer "${layer}": step(s) ${waiting.map((w) => w.read.ref.step).join(", ")} have one distinct row, so ` +
        "t_conv is undefined there; the layer's T is fixed by its first step that has one (or pin --t-max)",
    });
  }

  let stepsWritten = 0;
  if (results.length > 0) {
    signal?.throwIfAborted();
    const allResults = [...state.written, ...results];
    const charts = renderRunCharts(run, references, allResults, opts.settingsRecord);
    const report = await adapter.writeResults!(
      run,
      { newReferences, results, allResults, references, charts, settings: opts.settingsRecord },
      signal,
    );
    stepsWritten = results.length;
    emit({ type: "run-written", run: run.id, ...report });
  }
  const status = failures === 0 ? "ok" : results.length > 0 ? "partial" : "failed";
  return { run: run.id, status, stepsComputed: results.length, stepsWritten, failures };
}
