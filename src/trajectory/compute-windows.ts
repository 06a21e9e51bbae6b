/**
 * Step 6b of the flow (compute, trajectories): the run's planned trajectory windows
 * (plan-windows.ts) → results of family "trajectory" (logged weight windows) and "reptraj" (the
 * last W logged steps of a layer, one point per step). Metrics: window-metrics.ts. A window that
 * fails (unreadable file, steps of different shapes) is reported and skipped; the others go on.
 */
import type { ActivationRef, RunRef, StepResult, TrackerAdapter } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { PointCloud } from "../core/types.js";
import { errorCode } from "../sync/error-code.js";
import type { EventSink } from "../sync/events.js";
import { selectRows } from "../sync/probe-rows.js";
import { readClouds } from "../sync/read-clouds.js";
import type { ComputeSettings } from "../sync/settings.js";
import { probeOf } from "../sync/step-result.js";
import type { RepresentationWindowTodo, WeightWindowTodo, WindowPlan } from "./plan-windows.js";
import { checkSameShape } from "./representation-window.js";
import { StepDistances } from "./step-distances.js";
import { windowMetrics } from "./window-metrics.js";

export interface WindowContext {
  readonly adapter: TrackerAdapter;
  readonly run: RunRef;
  /** The run's activation files (for representation windows). */
  readonly activations: readonly ActivationRef[];
  readonly settings: ComputeSettings;
  readonly maxFileBytes: number;
  readonly emit: EventSink;
  readonly signal?: AbortSignal;
  readonly stopSignal?: AbortSignal;
}

export interface ComputedWindows {
  readonly results: StepResult[];
  readonly failures: number;
}

/**
 * At most `k` rows of a weight window, evenly spaced in time and keeping the first and the last
 * iterate (row i·(n−1)/(k−1), rounded): a thinned trajectory, not a random subset of it.
 */
export function thinIterates(cloud: PointCloud, k: number): PointCloud {
  if (cloud.n <= k) return cloud;
  const rows = Uint32Array.from({ length: k }, (_, i) => Math.round((i * (cloud.n - 1)) / (k - 1)));
  return selectRows(cloud, rows);
}

export async function computeWindows(ctx: WindowContext, plan: WindowPlan): Promise<ComputedWindows> {
  const results: StepResult[] = [];
  let failures = 0;
  const { run, emit, settings } = ctx;
  const options = {
    mode: settings.mode,
    nScales: settings.nScales,
    ...(settings.fixedScales ? { fixedScales: settings.fixedScales } : {}),
  };
  const stopped = () => ctx.stopSignal?.aborted === true;

  const finish = (result: StepResult, started: number) => {
    results.push(result);
    emit({
      type: "step-done",
      run: run.id,
      family: result.family as "trajectory" | "reptraj",
      layer: result.layer,
      step: result.step,
      ms: Math.round(performance.now() - started),
      metrics: result.metrics as Record<string, number>,
    });
  };
  const fail = (path: string, layer: string, step: number, error: unknown) => {
    if (ctx.signal?.aborted) throw error;
    failures++;
    emit({ type: "file-failed", run: run.id, path, layer, step, ...errorCode(error) });
  };
  const read = (ref: ActivationRef) =>
    readClouds(ctx.adapter, run, ref, ctx.maxFileBytes, settings.nonFinite ?? "fail", ctx.signal);

  for (const todo of plan.weights) {
    ctx.signal?.throwIfAborted();
    if (stopped()) break;
    const started = performance.now();
    try {
      const result = await weightWindow(todo, read, settings.maxPoints, options);
      finish(result, started);
    } catch (error) {
      fail(todo.ref.path, todo.layer, todo.ref.step, error);
    }
  }

  const probes = new ProbeCache(ctx, read);
  const distances = new StepDistances();
  for (const todo of plan.representations) {
    ctx.signal?.throwIfAborted();
    if (stopped()) break;
    const started = performance.now();
    try {
      const clouds = [];
      for (const step of todo.steps) clouds.push(await probes.get(todo.layer, step));
      probes.forgetBefore(todo.layer, todo.steps[0]!);
      distances.forgetBefore(todo.layer, todo.steps[0]!);
      finish(representationResult(todo, clouds, distances, options), started);
    } catch (error) {
      fail(`${todo.layer} steps ${todo.steps[0]}–${todo.step}`, todo.layer, todo.step, error);
    }
  }
  return { results, failures };
}

type Read = (ref: ActivationRef) => ReturnType<typeof readClouds>;
type Options = Parameters<typeof windowMetrics>[1];

async function weightWindow(
  todo: WeightWindowTodo,
  read: Read,
  maxPoints: number,
  options: Options,
): Promise<StepResult> {
  const clouds = await read(todo.ref);
  if (clouds.length !== 1) {
    throw new MagtrackError(
      "format",
      "TRAJECTORY_ARRAYS",
      `${todo.ref.path}: a weight window is one array (rows = iterates), found ${clouds.length}`,
    );
  }
  const [, cloud] = clouds[0]!;
  const metrics = windowMetrics(thinIterates(cloud, maxPoints), options);
  return {
    family: "trajectory",
    layer: todo.layer,
    step: todo.ref.step,
    metrics: { ...metrics, n_iterates: cloud.n },
  };
}

function representationResult(
  todo: RepresentationWindowTodo,
  clouds: readonly { probe: PointCloud; rows: number }[],
  distances: StepDistances,
  options: Options,
): StepResult {
  const rows = clouds[0]!.rows;
  const other = clouds.findIndex((c) => c.rows !== rows);
  if (other >= 0) {
    // Probe rows are chosen per (run, layer, row count): different counts mean different inputs.
    throw new MagtrackError(
      "input",
      "WINDOW_ROWS_DIFFER",
      `layer "${todo.layer}": step ${todo.steps[other]} has ${clouds[other]!.rows} rows, step ${todo.steps[0]} has ${rows}; a representation window needs the same probe inputs at every step`,
    );
  }
  const probes = clouds.map((c) => c.probe);
  checkSameShape(probes);
  const source = `layer "${todo.layer}" steps ${todo.steps[0]}–${todo.step}`;
  const metrics = windowMetrics(distances.window(todo.layer, todo.steps, probes, source), options);
  return { family: "reptraj", layer: todo.layer, step: todo.step, metrics };
}

/**
 * Probe clouds of (layer, step), read once per sync while windows slide: a window ending at step s
 * needs the W−1 steps before it, which the previous window also used. Steps before the current
 * window's first step are forgotten, so at most W steps per layer are held.
 */
class ProbeCache {
  private readonly held = new Map<string, Map<number, { probe: PointCloud; rows: number }>>();

  constructor(
    private readonly ctx: WindowContext,
    private readonly read: Read,
  ) {}

  async get(layer: string, step: number): Promise<{ probe: PointCloud; rows: number }> {
    const cached = this.held.get(layer)?.get(step);
    if (cached) return cached;
    const ref =
      this.ctx.activations.find((r) => r.layer === layer && r.step === step) ??
      this.ctx.activations.find((r) => r.layer === "" && r.step === step);
    if (ref === undefined) {
      throw new MagtrackError("input", "WINDOW_STEP_MISSING", `layer "${layer}": no file for step ${step}`);
    }
    for (const [name, cloud] of await this.read(ref)) {
      if (name !== layer && ref.layer !== "") continue;
      const key = { run: this.ctx.run.id, layer: name, step };
      const entry = { probe: probeOf(cloud, key, this.ctx.settings), rows: cloud.n };
      if (!this.held.has(name)) this.held.set(name, new Map());
      this.held.get(name)!.set(step, entry);
    }
    const got = this.held.get(layer)?.get(step);
    if (!got) {
      throw new MagtrackError("input", "WINDOW_STEP_MISSING", `${ref.path}: holds no layer "${layer}"`);
    }
    return got;
  }

  forgetBefore(layer: string, step: number): void {
    const steps = this.held.get(layer);
    for (const s of steps?.keys() ?? []) if (s < step) steps!.delete(s);
  }
}
