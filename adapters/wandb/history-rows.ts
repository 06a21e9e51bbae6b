/**
 * magtrack's rows in a W&B run history. One row per training step holding every layer computed
 * at that step:
 *   {"_step": <next W&B step>, "_timestamp": <s>, "magnitude/step": <training step>,
 *    "magnitude/<layer>/<metric>": value, …}
 * `_step` must keep increasing (W&B drops or mixes rows whose _step is not above the last one),
 * so the training step lives in its own key and charts use it through define_metric.
 */
import {
  metricKey,
  parseMetricKey,
  type ResultFamily,
  resultId,
  type StepResult,
} from "../../src/adapter-kit.js";
import type { ExtendedJson } from "./extended-json.js";
import { stringifyExtended } from "./extended-json.js";
import { STEP_METRIC } from "./run-config.js";

/** Group results by training step (ascending) and serialise one history line per step. */
export function buildHistoryLines(
  results: readonly StepResult[],
  firstStep: number,
  timestampSeconds: number,
): { lines: string[]; rows: Record<string, number>[] } {
  const bySteps = new Map<number, StepResult[]>();
  for (const r of results) bySteps.set(r.step, [...(bySteps.get(r.step) ?? []), r]);
  const steps = [...bySteps.keys()].sort((a, b) => a - b);
  const rows = steps.map((step, i) => {
    const row: Record<string, number> = {
      _step: firstStep + i,
      _timestamp: timestampSeconds,
      [STEP_METRIC]: step,
    };
    for (const r of bySteps.get(step)!) {
      for (const [name, value] of Object.entries(r.metrics)) row[metricKey(r.layer, name, r.family)] = value;
    }
    return row;
  });
  return { lines: rows.map(stringifyExtended), rows };
}

/** A key `<family>/<layer>/<metric>` (adapter-kit parseMetricKey) → its parts; other keys → null. */
export const splitMetricKey = parseMetricKey;

/** Some W&B readers hand non-finite values back as strings. */
const NON_FINITE_STRINGS: Readonly<Record<string, number>> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

/** Decode magtrack's results from history rows (rows without `magnitude/step` are not ours). */
export function resultsFromRows(rows: readonly Record<string, ExtendedJson>[]): StepResult[] {
  const byKey = new Map<
    string,
    { family: ResultFamily; layer: string; step: number; metrics: Record<string, number> }
  >();
  for (const row of rows) {
    const step = row[STEP_METRIC];
    if (typeof step !== "number" || !Number.isSafeInteger(step)) continue;
    for (const [key, value] of Object.entries(row)) {
      const parts = splitMetricKey(key);
      const number = typeof value === "number" ? value : NON_FINITE_STRINGS[String(value)];
      if (!parts || number === undefined) continue;
      const { family, layer, name } = parts;
      const id = resultId({ family, layer, step });
      const entry = byKey.get(id) ?? { family, layer, step, metrics: {} };
      entry.metrics[name] = number;
      byKey.set(id, entry);
    }
  }
  return [...byKey.values()].map(({ family, ...r }) => (family === "magnitude" ? r : { family, ...r }));
}

/** True when a history key belongs to magtrack (used with the run's historyKeys). */
export const isMagtrackHistoryKey = (key: string) => key === STEP_METRIC || splitMetricKey(key) !== null;
