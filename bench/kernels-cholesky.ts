/**
 * Dense Cholesky kernel throughput, one core: GFLOP/s = (n³/3) / time, wasm SIMD f64 and f32.
 * Run: npx tsx bench/kernels-cholesky.ts [n ...]   (default 2000 4000; median of 3 after a warm-up)
 */
import { loadavg } from "node:os";
import { KernelArena } from "../src/kernels/arena.js";
import { createKernels } from "../src/kernels/loader.js";

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((x) => x > 0);
console.log(
  `load before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
for (const n of sizes.length ? sizes : [2000, 4000]) {
  const k = createKernels("wasm");
  const a = new KernelArena(k);
  const pA = a.reserve64(n * n);
  const pB = a.reserve64(n * n);
  const pF = a.reserve32(n * n);
  a.commit();
  // Z = exp(−3·D) of an LCG cloud in [0, 1]^6: positive definite, no subnormals
  let x = 3;
  const u = () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
  const X = Float64Array.from({ length: n * 6 }, u);
  const A = a.f64(pA, n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let c = 0; c < 6; c++) s += (X[i * 6 + c] - X[j * 6 + c]) ** 2;
      A[i * n + j] = Math.exp(-3 * Math.sqrt(s));
    }
  }
  const t64: number[] = [];
  const t32: number[] = [];
  for (let r = 0; r < 4; r++) {
    k.copyLower64(pA, pB, n);
    let t0 = performance.now();
    if (k.cholesky64(pB, n, 64) !== 0) throw new Error("f64 Cholesky failed");
    if (r > 0) t64.push(performance.now() - t0);
    k.lowerToF32(pA, pF, n);
    t0 = performance.now();
    if (k.cholesky32(pF, n, 64) !== 0) throw new Error("f32 Cholesky failed");
    if (r > 0) t32.push(performance.now() - t0);
  }
  const med = (v: number[]) => v.sort((p, q) => p - q)[1];
  const gf = (ms: number) => (n ** 3 / 3 / (ms / 1000) / 1e9).toFixed(1);
  console.log(
    `n = ${n}: f64 ${med(t64).toFixed(0)} ms = ${gf(med(t64))} GFLOP/s; f32 ${med(t32).toFixed(0)} ms = ${gf(med(t32))} GFLOP/s`,
  );
}
console.log(
  `load after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
