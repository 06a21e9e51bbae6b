/** Test clouds shared by several files. */
import type { PointCloud } from "../../src/core/types.js";

/** n points uniform in [0, 1]^d from a fixed LCG (Numerical Recipes constants). */
export function uniformCloud(n: number, d: number, seed: number): PointCloud {
  let x = seed >>> 0;
  const data = Float64Array.from({ length: n * d }, () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  });
  return { data, n, d };
}
