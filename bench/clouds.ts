/** The benchmark clouds of issue 3, rebuilt from the golden LCG (MATH.md) so every tool sees the same data. */
import type { PointCloud } from "../src/core/index.js";

/** x ← (1103515245·x + 12345) mod 2^31, u = x / 2^31 (first output after the seed). */
export function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

export function uniformCloud(n: number, d: number, seed: number): PointCloud {
  const u = lcg(seed);
  return { data: Float64Array.from({ length: n * d }, u), n, d };
}

/** 10 Gaussian-ish clusters (sum of 4 uniforms) of spread 0.15 around centres in [0, 1]^d. */
export function clusteredCloud(n: number, d: number, seed: number): PointCloud {
  const u = lcg(seed);
  const centres = Array.from({ length: 10 }, () => Float64Array.from({ length: d }, u));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) data[i * d + c] = centres[i % 10][c] + 0.15 * (u() + u() + u() + u() - 2);
  }
  return { data, n, d };
}

/** The seeds the profile bench uses: uniform 1 (n = 4000: 3), clustered 2. */
export function benchCloud(kind: "uniform" | "clustered", n: number, d: number): PointCloud {
  return kind === "uniform" ? uniformCloud(n, d, n === 4000 ? 3 : 1) : clusteredCloud(n, d, 2);
}
