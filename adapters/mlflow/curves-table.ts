/**
 * The curves table artifact, magnitude/curves.json, in the column/row layout MLflow's evaluation
 * view reads (the layout of mlflow.log_table): {"columns": [...], "data": [[...], ...]}.
 * One row per (layer, step, t): layer, step, t, magnitude. Non-finite values are null (JSON).
 * Read back by readState so charts of earlier steps can be re-rendered with their curves.
 */
import { MagtrackError, type StepResult } from "../../src/adapter-kit.js";

export const CURVES_TABLE_PATH = "magnitude/curves.json";
export const CURVES_COLUMNS = ["layer", "step", "t", "magnitude"] as const;

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** Deterministic table text (results sorted by layer, then step), or null when no result has a curve. */
export function encodeCurvesTable(results: readonly StepResult[]): string | null {
  const withCurves = results
    .filter((r) => r.curve !== undefined)
    .sort((a, b) => (a.layer < b.layer ? -1 : a.layer > b.layer ? 1 : a.step - b.step));
  if (withCurves.length === 0) return null;
  const data: (string | number | null)[][] = [];
  for (const r of withCurves) {
    const { t, magnitude } = r.curve!;
    for (let i = 0; i < Math.min(t.length, magnitude.length); i++) {
      data.push([r.layer, r.step, finiteOrNull(t[i]!), finiteOrNull(magnitude[i]!)]);
    }
  }
  return JSON.stringify({ columns: CURVES_COLUMNS, data });
}

/** layer → step → curve, from the table text; throws a typed error on a foreign layout. */
export function decodeCurvesTable(
  text: string,
  where: string,
): Map<string, Map<number, { t: number[]; magnitude: number[] }>> {
  let parsed: { columns?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badTable(where, "not JSON");
  }
  if (
    !Array.isArray(parsed?.columns) ||
    parsed.columns.join(",") !== CURVES_COLUMNS.join(",") ||
    !Array.isArray(parsed.data)
  ) {
    throw badTable(where, `expected columns ${CURVES_COLUMNS.join(", ")}`);
  }
  const out = new Map<string, Map<number, { t: number[]; magnitude: number[] }>>();
  for (const row of parsed.data as unknown[]) {
    if (
      !Array.isArray(row) ||
      row.length !== 4 ||
      typeof row[0] !== "string" ||
      !Number.isSafeInteger(row[1])
    ) {
      throw badTable(where, "malformed row");
    }
    const num = (v: unknown) => (typeof v === "number" ? v : Number.NaN);
    const byStep = out.get(row[0]) ?? new Map();
    out.set(row[0], byStep);
    const curve = byStep.get(row[1]) ?? { t: [], magnitude: [] };
    byStep.set(row[1], curve);
    curve.t.push(num(row[2]));
    curve.magnitude.push(num(row[3]));
  }
  return out;
}

function badTable(where: string, why: string): MagtrackError {
  return new MagtrackError("format", "MLFLOW_BAD_CURVES_TABLE", `${where}: ${why}`);
}
