/** Loads the golden clouds and magnipy results copied into test/fixtures/golden (see its README). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { PointCloud } from "../../src/core/index.js";

const root = fileURLToPath(new URL("../fixtures/golden/", import.meta.url));

export const GOLDEN_NAMES = [
  "a_uniform2d_n200",
  "b_sum4_10d_n300",
  "c_circle_n100",
  "d_duplicates_2d_n60",
] as const;

export interface GoldenPoints {
  points_f64: number[][];
  points_f32_as_f64: number[][];
}

// biome-ignore lint/suspicious/noExplicitAny: free-form golden JSON
export type GoldenResult = any;

export function loadPoints(name: string): GoldenPoints {
  return JSON.parse(readFileSync(`${root}points/${name}.json`, "utf8"));
}

export function loadResult(name: string): GoldenResult {
  return JSON.parse(readFileSync(`${root}results/${name}.magnipy.json`, "utf8"));
}

export function loadOracles(): GoldenResult {
  return JSON.parse(readFileSync(`${root}results/oracles.json`, "utf8"));
}

export function cloud(rows: number[][]): PointCloud {
  const n = rows.length;
  const d = rows[0].length;
  const data = new Float64Array(n * d);
  rows.forEach((r, i) => {
    data.set(r, i * d);
  });
  return { data, n, d };
}

/** max_i |a_i − b_i| / |b_i| */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / Math.abs(b[i]));
  return e;
}

export function relErr(a: number, b: number): number {
  return Math.abs(a - b) / Math.abs(b);
}
