/**
 * Diagnostic metrics (solver error bound, point counts, the dead-layer flag) are facts about a
 * computation, not curves to read: as MLflow metrics each became a chart of a flat line or of
 * ~1e-10 values with every tick "0" (../shared/TRACKERS.md, "What the real MLflow 3.6 web UI
 * showed"). They are written instead as one per-run table artifact, magnitude/diagnostics.json
 * ({"columns": ["layer", "step", …names], "data": [[…], …]}, the layout of curves.json), which the
 * Artifacts tab shows as a table and which is not registered in mlflow.loggedArtifacts.
 *
 * Runs synced before this change already hold these keys as metric series. Those are never
 * deleted or altered, and such a run keeps receiving the series it already has (per key), so its
 * charts have no gap and readState reads the same keys back as before; runs and layers without
 * the series never get it.
 */
import { MagtrackError, qualifiedLayer, type StepResult } from "../../src/adapter-kit.js";

export const DIAGNOSTIC_METRICS: ReadonlySet<string> = new Set([
  "error_bound",
  "n_points",
  "n_distinct",
  "collapsed",
]);
export const DIAGNOSTICS_TABLE_PATH = "magnitude/diagnostics.json";

const finiteOrNull = (x: number) => (Number.isFinite(x) ? x : null);

/** The table text (rows sorted by layer, step), or null when no result carries a diagnostic. */
export function encodeDiagnosticsTable(results: readonly StepResult[]): string | null {
  const names = [
    ...new Set(results.flatMap((r) => Object.keys(r.metrics).filter((k) => DIAGNOSTIC_METRICS.has(k)))),
  ].sort();
  if (names.length === 0) return null;
  const rows = [...results]
    .sort((a, b) =>
      qualifiedLayer(a) < qualifiedLayer(b)
        ? -1
        : qualifiedLayer(a) > qualifiedLayer(b)
          ? 1
          : a.step - b.step,
    )
    .map((r) => [
      qualifiedLayer(r),
      r.step,
      ...names.map((n) => (n in r.metrics ? finiteOrNull(r.metrics[n]!) : null)),
    ]);
  return JSON.stringify({ columns: ["layer", "step", ...names], data: rows });
}

/** layer → step → {name: value}; throws a typed "format" error on a foreign layout. */
export function decodeDiagnosticsTable(
  text: string,
  where: string,
): Map<string, Map<number, Record<string, number>>> {
  const bad = (why: string) =>
    new MagtrackError("format", "MLFLOW_BAD_DIAGNOSTICS_TABLE", `${where}: ${why}`);
  let parsed: { columns?: unknown; data?: unknown };
  try {
    parsed = JSON.parse(text);
  } catch {
    throw bad("not JSON");
  }
  const columns = parsed?.columns;
  if (
    !Array.isArray(columns) ||
    columns[0] !== "layer" ||
    columns[1] !== "step" ||
    !columns.every((c) => typeof c === "string") ||
    !Array.isArray(parsed.data)
  ) {
    throw bad('expected columns "layer", "step", then diagnostic names');
  }
  const out = new Map<string, Map<number, Record<string, number>>>();
  for (const row of parsed.data as unknown[]) {
    if (
      !Array.isArray(row) ||
      row.length !== columns.length ||
      typeof row[0] !== "string" ||
      !Number.isSafeInteger(row[1])
    )
      throw bad("malformed row");
    const values: Record<string, number> = {};
    for (let i = 2; i < columns.length; i++) {
      const v = row[i];
      if (typeof v === "number") values[columns[i] as string] = v; // null: not computed (or non-finite)
    }
    const byStep = out.get(row[0]) ?? new Map();
    out.set(row[0], byStep);
    byStep.set(row[1], values);
  }
  return out;
}
