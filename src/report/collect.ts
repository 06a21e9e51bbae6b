/**
 * Read what a report needs from every run of the experiment: magtrack's results (readState), the
 * run's own metrics and params (the optional readRunMetrics / readRunParams capabilities), and the
 * reference scale T each layer used. Runs without magtrack results are counted, not used.
 */
import {
  isMagtrackMetricKey,
  type MetricPoint,
  metricKey,
  type RunFilter,
  type RunMetrics,
  type TrackerAdapter,
} from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { RunData } from "./types.js";

export interface Collected {
  readonly runs: RunData[];
  /** Runs listed but left out, and why (no magnitude results yet …). */
  readonly left: { readonly run: string; readonly reason: string }[];
}

/** Settings params magtrack itself adds to runs (magtrack.q …) are no baseline. */
const isMagtrackParam = (key: string) => key.startsWith("magtrack.");

function magnitudeHistories(
  written: Awaited<ReturnType<TrackerAdapter["readState"]>>["written"],
): RunMetrics {
  const out: Record<string, MetricPoint[]> = {};
  for (const r of written) {
    for (const [name, value] of Object.entries(r.metrics)) {
      // <family>/<layer>/<name>: a reptraj window of layer L must not land in L's magnitude history.
      const key = metricKey(r.layer, name, r.family ?? "magnitude");
      const points = out[key] ?? [];
      out[key] = points;
      points.push({ step: r.step, value });
    }
  }
  for (const points of Object.values(out)) points.sort((a, b) => a.step - b.step);
  return out;
}

function maxStep(metrics: RunMetrics): number {
  let m = Number.NEGATIVE_INFINITY;
  for (const points of Object.values(metrics)) for (const p of points) m = Math.max(m, p.step);
  return m;
}

export function missingCapabilities(adapter: TrackerAdapter): string[] {
  const missing: string[] = [];
  if (adapter.readRunMetrics === undefined) missing.push("reading a run's own metrics (outcomes, baselines)");
  return missing;
}

export async function collectRuns(
  adapter: TrackerAdapter,
  filter: RunFilter,
  signal?: AbortSignal,
): Promise<Collected> {
  const missing = missingCapabilities(adapter);
  if (missing.length > 0) {
    throw new MagtrackError(
      "config",
      "REPORT_UNSUPPORTED",
      `magtrack report: the ${adapter.name} adapter cannot do ${missing.join(" or ")}, so there is nothing to correlate`,
    );
  }
  const runs: RunData[] = [];
  const left: Collected["left"] = [];
  for await (const run of adapter.listRuns(filter, signal)) {
    const label = run.displayName ?? run.id;
    const state = await adapter.readState(run, signal);
    if (state.written.length === 0) {
      left.push({ run: label, reason: "no magnitude results yet (run magtrack sync first)" });
      continue;
    }
    const own = await adapter.readRunMetrics!(run, (key) => !isMagtrackMetricKey(key), signal);
    const rawParams = adapter.readRunParams ? await adapter.readRunParams(run, signal) : {};
    const params = Object.fromEntries(Object.entries(rawParams).filter(([k]) => !isMagtrackParam(k)));
    const magnitude = magnitudeHistories(state.written);
    runs.push({
      run,
      magnitude,
      own,
      params,
      references: state.references,
      settings: state.settings ?? {},
      lastStep: Math.max(maxStep(own), maxStep(magnitude)),
    });
  }
  return { runs, left };
}
