/**
 * The local store's on-disk result format, under <root>/<run>/magnitude/:
 *   metrics.jsonl     one line per (layer, step): {"layer", "step", "metrics": {...}, "curve": {t, magnitude}}
 *                     — the commit point: a (layer, step) is done when its line is here. Trajectory
 *                     windows add "family": "trajectory" | "reptraj" (absent: a layer's activations).
 *   metrics.csv       the same scalars, one row per (layer, step, metric), for spreadsheets; a
 *                     trajectory window's layer column reads "<family>/<layer>".
 *   references.json   {"<layer>": {T, step, source}} — fixed once per layer, never changed.
 *   settings.json     the computation settings of the first sync.
 *   failures.json     files that failed permanently and are set aside while unchanged
 *                     (src/io/known-failure-record.ts; absent when there are none).
 *   <layer>/curves.svg, <layer>/trends.svg, report.html — rendered charts.
 * Non-finite numbers are stored as the strings "NaN", "Infinity", "-Infinity" (JSON has no tokens for them).
 */
import {
  qualifiedLayer,
  RESULT_FAMILIES,
  type ResultFamily,
  type StepResult,
} from "../../src/adapter-kit.js";

export const RESULT_DIR = "magnitude";
export const METRICS_JSONL = "metrics.jsonl";
export const METRICS_CSV = "metrics.csv";
export const REFERENCES_JSON = "references.json";
export const SETTINGS_JSON = "settings.json";
export const FAILURES_JSON = "failures.json";

export function encodeNumber(x: number): number | string {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? "NaN" : x > 0 ? "Infinity" : "-Infinity";
}

export function decodeNumber(x: unknown): number {
  if (typeof x === "number") return x;
  if (x === "NaN") return Number.NaN;
  if (x === "Infinity") return Number.POSITIVE_INFINITY;
  if (x === "-Infinity") return Number.NEGATIVE_INFINITY;
  return Number.NaN;
}

export function encodeResultLine(r: StepResult): string {
  const metrics: Record<string, number | string> = {};
  for (const [k, v] of Object.entries(r.metrics)) metrics[k] = encodeNumber(v);
  const line: Record<string, unknown> = {
    ...(r.family && r.family !== "magnitude" ? { family: r.family } : {}),
    layer: r.layer,
    step: r.step,
    metrics,
  };
  if (r.curve)
    line.curve = { t: r.curve.t.map(encodeNumber), magnitude: r.curve.magnitude.map(encodeNumber) };
  return JSON.stringify(line);
}

/** Parse metrics.jsonl; a line that does not parse is reported through onBadLine and skipped. */
export function decodeResultLines(text: string, onBadLine: (lineNo: number) => void): StepResult[] {
  const out: StepResult[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    try {
      const o = JSON.parse(line) as {
        family?: unknown;
        layer: unknown;
        step: unknown;
        metrics: Record<string, unknown>;
        curve?: { t: unknown[]; magnitude: unknown[] };
      };
      if (typeof o.layer !== "string" || !Number.isSafeInteger(o.step) || typeof o.metrics !== "object") {
        throw new Error("bad record");
      }
      const family = o.family === undefined ? "magnitude" : o.family;
      if (!RESULT_FAMILIES.includes(family as ResultFamily)) throw new Error("bad family");
      const metrics: Record<string, number> = {};
      for (const [k, v] of Object.entries(o.metrics)) metrics[k] = decodeNumber(v);
      const curve = o.curve
        ? { t: o.curve.t.map(decodeNumber), magnitude: o.curve.magnitude.map(decodeNumber) }
        : undefined;
      out.push({
        ...(family === "magnitude" ? {} : { family: family as ResultFamily }),
        layer: o.layer,
        step: o.step as number,
        metrics,
        ...(curve ? { curve } : {}),
      });
    } catch {
      onBadLine(i + 1);
    }
  });
  return out;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function encodeCsv(results: readonly StepResult[]): string {
  const rows = ["layer,step,metric,value"];
  for (const r of results) {
    for (const [k, v] of Object.entries(r.metrics)) {
      rows.push(
        [csvField(qualifiedLayer(r)), String(r.step), csvField(k), String(encodeNumber(v))].join(","),
      );
    }
  }
  return rows.join("\n") + "\n";
}
