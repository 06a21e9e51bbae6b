import { InputError } from "./errors.js";
import type { PointCloud } from "./types.js";

/**
 * Build a PointCloud from a JS array of rows (number[][] or array of typed arrays).
 * Rejects: non-array input, 0 rows, d = 0, ragged rows, non-numeric entries, NaN/±Inf.
 */
export function pointCloudFromRows(rows: unknown): PointCloud {
  if (!Array.isArray(rows)) {
    throw new InputError("points-not-array", "points: expected an array of rows (number[][])");
  }
  const n = rows.length;
  if (n === 0) throw new InputError("points-empty", "points: 0 rows; a point cloud needs at least one point");
  const first = rows[0];
  if (!isRowLike(first)) {
    throw new InputError("points-row-not-array", "points: row 0 is not an array of numbers");
  }
  const d = first.length;
  if (d === 0) throw new InputError("points-zero-dim", "points: rows have 0 coordinates (d = 0)");
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const row = rows[i];
    if (!isRowLike(row)) {
      throw new InputError("points-row-not-array", `points: row ${i} is not an array of numbers`);
    }
    if (row.length !== d) {
      throw new InputError(
        "points-ragged",
        `points: ragged rows: row ${i} has ${row.length} coordinates, row 0 has ${d}`,
      );
    }
    for (let j = 0; j < d; j++) {
      const v = row[j];
      if (typeof v !== "number") {
        throw new InputError(
          "points-non-numeric",
          `points: non-numeric value at row ${i}, column ${j} (${typeof v})`,
        );
      }
      data[i * d + j] = v;
    }
  }
  return validatePointCloud({ data, n, d });
}

function isRowLike(row: unknown): row is ArrayLike<unknown> {
  return Array.isArray(row) || row instanceof Float64Array || row instanceof Float32Array;
}

/** Check shape and finiteness of a PointCloud; returns it unchanged when valid. */
export function validatePointCloud(pc: PointCloud): PointCloud {
  if (pc === null || typeof pc !== "object" || !(pc.data instanceof Float64Array)) {
    throw new InputError("points-bad-type", "points: expected { data: Float64Array, n, d }");
  }
  const { data, n, d } = pc;
  if (!Number.isInteger(n) || n < 0 || !Number.isInteger(d) || d < 0) {
    throw new InputError("points-bad-shape", `points: n = ${n}, d = ${d} must be non-negative integers`);
  }
  if (n === 0) throw new InputError("points-empty", "points: 0 rows; a point cloud needs at least one point");
  if (d === 0) throw new InputError("points-zero-dim", "points: rows have 0 coordinates (d = 0)");
  if (data.length !== n * d) {
    throw new InputError(
      "points-bad-length",
      `points: data length ${data.length} ≠ n·d = ${n}·${d} = ${n * d}`,
    );
  }
  for (let k = 0; k < data.length; k++) {
    if (!Number.isFinite(data[k])) {
      const i = Math.floor(k / d);
      throw new InputError(
        "points-non-finite",
        `points: non-finite value ${data[k]} at row ${i}, column ${k - i * d}`,
        { details: { row: i, column: k - i * d } },
      );
    }
  }
  return pc;
}

/** Scale t must be a finite number ≥ 0. */
export function validateScale(t: number, what = "t"): number {
  if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
    throw new InputError("scale-invalid", `${what} = ${t}: a scale must be a finite number ≥ 0`);
  }
  return t;
}

/** Convergence fraction q must lie in (0, 1]. */
export function validateQ(q: number): number {
  if (typeof q !== "number" || !(q > 0 && q <= 1)) {
    throw new InputError("q-out-of-range", `q = ${q}: the convergence fraction must lie in (0, 1]`);
  }
  return q;
}
