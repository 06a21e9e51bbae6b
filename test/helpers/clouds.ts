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

/** n points in [0, 1)^d from the ANSI C LCG (x ← 1103515245·x + 12345 mod 2³¹), starting at `seed`. */
export function lcgCloud(n: number, d: number, seed: number): PointCloud {
  let x = seed;
  const data = new Float64Array(n * d);
  for (let k = 0; k < n * d; k++) {
    x = (1103515245 * x + 12345) % 2147483648;
    data[k] = x / 2147483648;
  }
  return { data, n, d };
}
