/**
 * The custom chart's data: one W&B table per layer with the magnitude functions of its steps,
 *   {"columns": ["step", "t", "magnitude"], "data": [[step, t, M(t)], …]}
 * uploaded as a run file at media/table/<key>_<sha256[:20]>.table.json (the Python SDK's media
 * naming, content-addressed so an unchanged table is never uploaded twice), and pointed to from the
 * summary by {"_type": "table-file", "path", "sha256", "size", "ncols", "nrows"}.
 */
import { createHash } from "node:crypto";
import type { StepResult } from "../../src/adapter-kit.js";
import type { StepSelection } from "./curve-chart.js";
import { type ExtendedJson, isJsonObject, stringifyExtended } from "./extended-json.js";
import { tableKey } from "./run-config.js";

export const TABLE_COLUMNS = ["step", "t", "magnitude"] as const;

/** The Python SDK cuts run tables at 10,000 rows (wandb/sdk/data_types/table.py Table.MAX_ROWS): stay below it. */
export const MAX_TABLE_ROWS = 9_999;

export interface CurveTable {
  readonly layer: string;
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly pointer: Record<string, ExtendedJson>;
  readonly selection: StepSelection;
}

type Row = [number, number, number];

/** Rows of an earlier table, grouped by step (to keep curves the pipeline no longer holds). */
export function rowsByStep(table: ExtendedJson): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  if (!isJsonObject(table)) return out;
  const data = table.data;
  if (!Array.isArray(data)) return out;
  for (const row of data) {
    if (!Array.isArray(row) || typeof row[0] !== "number" || typeof row[1] !== "number") continue;
    const m = typeof row[2] === "number" ? row[2] : Number.NaN;
    const r: Row = [row[0], row[1], m];
    out.set(row[0], [...(out.get(row[0]) ?? []), r]);
  }
  return out;
}

/**
 * Which steps' curves go into the table: all of them when steps × rows-per-curve stays below
 * MAX_TABLE_ROWS, else every k-th step by position plus the last, k the smallest power of two that
 * fits. Powers of two keep the choice stable as a run grows: the steps kept at 2k are a subset of
 * those kept at k, so a later sync never needs a curve an earlier table dropped.
 */
export function selectSteps(
  steps: readonly number[],
  rowsPerCurve: number,
  maxRows = MAX_TABLE_ROWS,
): {
  kept: number[];
  every: number;
} {
  const sorted = [...steps].sort((a, b) => a - b);
  const cap = Math.max(1, Math.floor(maxRows / Math.max(1, rowsPerCurve)));
  let every = 1;
  const count = (k: number) => Math.ceil(sorted.length / k) + ((sorted.length - 1) % k === 0 ? 0 : 1);
  while (count(every) > cap && every < sorted.length) every *= 2;
  const kept = sorted.filter((_, i) => i % every === 0 || i === sorted.length - 1);
  return { kept: kept.length > cap ? kept.slice(-cap) : kept, every };
}

export function buildCurveTable(
  layer: string,
  results: readonly StepResult[],
  previous: Map<number, Row[]> = new Map(),
): CurveTable | null {
  const byStep = new Map(previous);
  const steps = new Set(previous.keys());
  for (const r of results) {
    if (r.layer !== layer) continue;
    steps.add(r.step);
    if (!r.curve) continue;
    const rows: Row[] = r.curve.t.map((t, i) => [r.step, t, r.curve!.magnitude[i] ?? Number.NaN]);
    byStep.set(r.step, rows);
  }
  if (byStep.size === 0) return null;
  const rowsPerCurve = Math.max(...[...byStep.values()].map((rows) => rows.length));
  const { kept, every } = selectSteps([...steps], rowsPerCurve);
  const shownSteps = kept.filter((s) => byStep.has(s));
  const data = shownSteps.flatMap((s) => byStep.get(s)!);
  const bytes = new TextEncoder().encode(stringifyExtended({ columns: [...TABLE_COLUMNS], data }));
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const path = `media/table/${tableKey(layer)}_${sha256.slice(0, 20)}.table.json`;
  return {
    layer,
    path,
    bytes,
    pointer: {
      _type: "table-file",
      path,
      sha256,
      size: bytes.byteLength,
      ncols: TABLE_COLUMNS.length,
      nrows: data.length,
      log_mode: "IMMUTABLE",
    },
    selection: { shown: shownSteps.length, total: steps.size, every },
  };
}
