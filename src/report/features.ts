/**
 * The per-run quantities a report correlates with the outcomes:
 *   magnitude: magnitude/<layer>/<name> for the names below, at the step `--at` picks, and
 *              "Δ magnitude/<layer>/<name>" = that value − the value at the run's first logged step;
 *              the same for trajectory windows, trajectory/<layer>/<name> and reptraj/<layer>/<name>
 *              (TRAJECTORY_FEATURES; "first" = the run's first window);
 *   baseline:  the run's own metrics the same two ways (loss, accuracy … at the same step), and
 *              numeric params ("param:<name>", constant over training).
 * A quantity a run lacks (or non-finite there) leaves that run out of that row only.
 */
import { MagtrackError } from "../core/errors.js";
import { cutStep } from "./at.js";
import type { Feature, OutcomeSpec, RunData } from "./types.js";
import { valueOrNull } from "./types.js";

/** magtrack result names used as features; the T-dependent ones are read on each run's own T. */
export const MAGNITUDE_FEATURES: readonly { name: string; dependsOnT: boolean }[] = [
  { name: "area", dependsOnT: true },
  { name: "t_conv", dependsOnT: false },
  { name: "dim", dependsOnT: true },
  { name: "dim_fit", dependsOnT: true },
  { name: "diff_ref", dependsOnT: true },
  { name: "mag_T", dependsOnT: true },
];

/**
 * Trajectory-window metrics used as features (src/trajectory/window-metrics.ts). None depends on a
 * reference T: every window is measured on its own [0, t_conv] range.
 */
export const TRAJECTORY_FEATURES: readonly string[] = ["area", "t_conv", "dim", "dim_fit"];

/** Runs needed before a row is computed at all. */
export const MIN_RUNS = 3;

function firstValue(points: RunData["own"][string] | undefined): number | null {
  const first = points?.[0];
  return first !== undefined && Number.isFinite(first.value) ? first.value : null;
}

function seriesFeatures(
  key: string,
  kind: Feature["kind"],
  pick: (run: RunData) => RunData["own"][string] | undefined,
  layerForT: string | undefined,
): Feature[] {
  const extra = layerForT === undefined ? {} : { layerForT };
  return [
    { name: key, kind, ...extra, value: (run, at) => valueOrNull(pick(run), cutStep(run, at)) },
    {
      name: `Δ ${key}`,
      kind,
      ...extra,
      value: (run, at) => {
        const now = valueOrNull(pick(run), cutStep(run, at));
        const first = firstValue(pick(run));
        return now === null || first === null ? null : now - first;
      },
    },
  ];
}

function keysInRuns(
  runs: readonly RunData[],
  of: (r: RunData) => Readonly<Record<string, unknown>>,
): string[] {
  const count = new Map<string, number>();
  for (const r of runs) for (const k of Object.keys(of(r))) count.set(k, (count.get(k) ?? 0) + 1);
  return [...count]
    .filter(([, c]) => c >= MIN_RUNS)
    .map(([k]) => k)
    .sort();
}

export function magnitudeFeatures(runs: readonly RunData[]): Feature[] {
  const wanted = new Map(MAGNITUDE_FEATURES.map((f) => [f.name, f.dependsOnT]));
  const out: Feature[] = [];
  for (const key of keysInRuns(runs, (r) => r.magnitude)) {
    const window = /^(?:trajectory|reptraj)\/.+\/([^/]+)$/.exec(key);
    if (window) {
      if (TRAJECTORY_FEATURES.includes(window[1] as string))
        out.push(...seriesFeatures(key, "magnitude", (r) => r.magnitude[key], undefined));
      continue;
    }
    const m = /^magnitude\/(.+)\/([^/]+)$/.exec(key);
    if (!m || !wanted.has(m[2] as string)) continue;
    const layer = m[1] as string;
    out.push(
      ...seriesFeatures(
        key,
        "magnitude",
        (r) => r.magnitude[key],
        wanted.get(m[2] as string) ? layer : undefined,
      ),
    );
  }
  return out;
}

export function baselineFeatures(runs: readonly RunData[]): Feature[] {
  const out: Feature[] = [];
  for (const key of keysInRuns(runs, (r) => r.own))
    out.push(...seriesFeatures(key, "baseline", (r) => r.own[key], undefined));
  for (const key of keysInRuns(runs, (r) => r.params)) {
    const values = runs.map((r) => (r.params[key] === undefined ? null : Number(r.params[key])));
    const numeric = values.filter((v): v is number => v !== null && Number.isFinite(v));
    if (numeric.length < MIN_RUNS || new Set(numeric).size < 2) continue; // not numeric, or one level only
    out.push({
      name: `param:${key}`,
      kind: "baseline",
      value: (run) => {
        const v = run.params[key] === undefined ? Number.NaN : Number(run.params[key]);
        return Number.isFinite(v) ? v : null;
      },
    });
  }
  return out;
}

function lastValue(points: RunData["own"][string] | undefined): number | null {
  const last = points?.[points.length - 1];
  return last !== undefined && Number.isFinite(last.value) ? last.value : null;
}

/** `--outcome KEY`: the run's KEY at the last step it was logged. */
export function metricOutcome(key: string): OutcomeSpec {
  return { name: key, keys: [key], value: (run) => lastValue(run.own[key]) };
}

/** `--gap TRAIN:TEST`: train − test, each at its last logged step. */
export function gapOutcome(spec: string): OutcomeSpec {
  const parts = spec.split(":");
  if (parts.length !== 2 || parts[0] === "" || parts[1] === "") {
    throw new MagtrackError(
      "usage",
      "REPORT_BAD_GAP",
      `--gap "${spec}": expected TRAIN_KEY:TEST_KEY, e.g. train_loss:test_loss`,
    );
  }
  const [train, test] = parts as [string, string];
  return {
    name: `gap(${train}−${test})`,
    keys: [train, test],
    value: (run) => {
      const a = lastValue(run.own[train]);
      const b = lastValue(run.own[test]);
      return a === null || b === null ? null : a - b;
    },
  };
}
