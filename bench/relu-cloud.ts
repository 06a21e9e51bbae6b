/**
 * "Realistic" activation clouds for the large-cloud bench (issue 18): probe inputs that span 32
 * dimensions, embedded in R^64 by a fixed random linear map, passed through a two-layer ReLU MLP
 * 64 → 64 → 64 (He initialisation); the cloud is the second hidden layer's output (d = 64, intrinsic
 * dimension ≤ 32). Every random number comes from the golden LCG of MATH.md through Box–Muller, so
 * bench/relu_cloud.py rebuilds the same floats in numpy.
 *   npx tsx bench/relu-cloud.ts <n> <out.npy> [seed] [d]
 */
import { writeFile } from "node:fs/promises";
import type { PointCloud } from "../src/core/index.js";
import { encodeNpy } from "../src/io/npy-write.js";

export const RELU_INTRINSIC = 32;
export const RELU_D = 64;

/**
 * The LCG of MATH.md, x ← (1103515245·x + 12345) mod 2^31, u = x / 2^31, in exact integer arithmetic:
 * 1103515245·x reaches 2^61 and a plain float64 product rounds (bench/clouds.ts's lcg does, and its
 * sequence then repeats early); split the multiplier into 16-bit halves so every partial product is
 * below 2^48.
 */
export function exactLcg(seed: number): () => number {
  const M = 2147483648;
  const aHi = 1103515245 >>> 16;
  const aLo = 1103515245 & 0xffff;
  let x = seed;
  return () => {
    x = ((((aHi * x) % M) * 65536 + aLo * x + 12345) % M) as number;
    return x / M;
  };
}

/** Standard normals by Box–Muller from LCG uniforms u1, u2: √(−2 ln(1 − u1))·cos(2π u2). */
export function normals(seed: number): () => number {
  const u = exactLcg(seed);
  return () => {
    const u1 = u();
    const u2 = u();
    return Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2);
  };
}

export function matmulRelu(
  a: Float64Array,
  n: number,
  k: number,
  w: Float64Array,
  m: number,
  relu: boolean,
): Float64Array {
  const out = new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    for (let p = 0; p < k; p++) {
      const v = a[i * k + p];
      for (let j = 0; j < m; j++) out[i * m + j] += v * w[p * m + j];
    }
  }
  if (relu) for (let i = 0; i < out.length; i++) if (out[i] < 0) out[i] = 0;
  return out;
}

/**
 * n rows: Z ~ N(0, 1)^{n×32} (the probes), X = Z·E with E ~ N(0, 1/32)^{32×d}, then
 * H1 = relu(X·W1), H2 = relu(H1·W2), W ~ N(0, 2/d); d = 64 unless given (issue 16's 2000 × 512 case
 * passes 512). Draw order: weights E, W1, W2 (seed 7), then the probes row by row (seed + 1000).
 */
export function reluCloud(n: number, seed = 1, d = RELU_D): PointCloud {
  const k = RELU_INTRINSIC;
  const gw = normals(7);
  const E = Float64Array.from({ length: k * d }, () => gw() / Math.sqrt(k));
  const W1 = Float64Array.from({ length: d * d }, () => gw() * Math.sqrt(2 / d));
  const W2 = Float64Array.from({ length: d * d }, () => gw() * Math.sqrt(2 / d));
  const gz = normals(seed + 1000);
  const Z = Float64Array.from({ length: n * k }, () => gz());
  const X = matmulRelu(Z, n, k, E, d, false);
  const H1 = matmulRelu(X, n, d, W1, d, true);
  const H2 = matmulRelu(H1, n, d, W2, d, true);
  return { data: H2, n, d };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.argv[2]);
  const out = process.argv[3];
  const seed = Number(process.argv[4] ?? 1);
  const d = Number(process.argv[5] ?? RELU_D);
  if (!Number.isInteger(n) || n < 1 || out === undefined || !Number.isInteger(d) || d < 1) {
    console.error("usage: npx tsx bench/relu-cloud.ts <n> <out.npy> [seed] [d]");
    process.exit(2);
  }
  const c = reluCloud(n, seed, d);
  await writeFile(out, encodeNpy(c.data, [c.n, c.d]));
  console.log(`${out}: ${n}×${c.d} ReLU cloud (seed ${seed})`);
}
