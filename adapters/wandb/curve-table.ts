/**
 * The custom chart's data: one W&B table per layer with the magnitude functions of every step,
 *   {"columns": ["step", "t", "magnitude", "series"], "data": [[step, t, M(t), "step <N>"], …]}
 * uploaded as a run file at media/table/<key>_<sha256[:20]>.table.json (the Python SDK's media
 * naming, content-addressed so an unchanged table is never uploaded twice), and pointed to from the
 * summary by {"_type": "table-file", "path", "sha256", "size", "ncols", "nrows"}.
 */
import { createHash } from "node:crypto";
import type { StepResult } from "../../src/adapter-kit.js";
import { type ExtendedJson, isJsonObject, stringifyExtended } from "./extended-json.js";
import { tableKey } from "./run-config.js";

export const TABLE_COLUMNS = ["step", "t", "magnitude", "series"] as const;

export interface CurveTable {
  readonly layer: string;
  readonly path: string;
  readonly bytes: Uint8Array;
  readonly pointer: Record<string, ExtendedJson>;
}

type Row = [number, number, number, string];

/** Rows of an earlier table, grouped by step (to keep curves the pipeline no longer holds). */
export function rowsByStep(table: ExtendedJson): Map<number, Row[]> {
  const out = new Map<number, Row[]>();
  if (!isJsonObject(table)) return out;
  const data = table.data;
  if (!Array.isArray(data)) return out;
  for (const row of data) {
    if (!Array.isArray(row) || typeof row[0] !== "number" || typeof row[1] !== "number") continue;
    const m = typeof row[2] === "number" ? row[2] : Number.NaN;
    const r: Row = [row[0], row[1], m, `step ${row[0]}`];
    out.set(row[0], [...(out.get(row[0]) ?? []), r]);
  }
  return out;
}

export function buildCurveTable(
  layer: string,
  results: readonly StepResult[],
  previous: Map<number, Row[]> = new Map(),
): CurveTable | null {
  const byStep = new Map(previous);
  for (const r of results) {
    if (r.layer !== layer || !r.curve) continue;
    const rows: Row[] = r.curve.t.map((t, i) => [
      r.step,
      t,
      r.curve!.magnitude[i] ?? Number.NaN,
      `step ${r.step}`,
    ]);
    byStep.set(r.step, rows);
  }
  if (byStep.size === 0) return null;
  const data = [...byStep.keys()].sort((a, b) => a - b).flatMap((s) => byStep.get(s)!);
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
  };
}
