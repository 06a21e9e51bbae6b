/**
 * Issue 16: the two f32 triangular solves L y = r, Lᵀ z = y that every PCG iteration costs (the
 * preconditioner M⁻¹ = (L Lᵀ)⁻¹, src/core/fast/pcg.ts), in µs per solve and GB/s of the triangle read
 * (4·n(n+1)/2 bytes), this build's wasm kernels side by side with another build's (`--against <path
 * to kernels.wasm>`, e.g. a clone of an earlier commit after `npm run build:wasm`), alternating call
 * by call; also checks that both builds give bit-identical solutions. L is a real factor: cholesky32
 * of Z = exp(−3·D) for an LCG cloud in [0, 1]^6 (as bench/kernels-cholesky.ts); r from the same
 * LCG. Median of `--reps` calls after a warm-up.
 *
 *   npx tsx bench/trisolve-kernel.ts [--sizes 500,1000,2000] [--reps 200] [--against FILE]
 */
import type { DenseKernels } from "../src/kernels/types.js";
import { kernelBenchArgs, kernelsFrom, load, median, OWN_KERNELS } from "./kernel-ab.js";

/** A kernel instance holding the f32 factor L of an n×n kernel matrix, a right-hand side and b. */
function prepared(k: DenseKernels, n: number) {
  const A = k.heapBase; // f64 Z, then the f32 factor F, the right-hand side r and the work vector b
  const F = A + 8 * n * n;
  const r = F + 4 * n * n;
  const b = r + 4 * n;
  k.growTo(b + 4 * n);
  let s = 3;
  const u = () => {
    s = (1103515245 * s + 12345) % 2147483648;
    return s / 2147483648;
  };
  const X = Float64Array.from({ length: n * 6 }, u);
  const Z = new Float64Array(k.buffer(), A, n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let d2 = 0;
      for (let c = 0; c < 6; c++) d2 += (X[i * 6 + c]! - X[j * 6 + c]!) ** 2;
      Z[i * n + j] = Math.exp(-3 * Math.sqrt(d2));
    }
  }
  k.lowerToF32(A, F, n);
  if (k.cholesky32(F, n, 64) !== 0) throw new Error(`n = ${n}: f32 Cholesky failed`);
  const rhs = new Float32Array(k.buffer(), r, n);
  for (let i = 0; i < n; i++) rhs[i] = u() - 0.5;
  return {
    forward: () => {
      new Float32Array(k.buffer(), b, n).set(new Float32Array(k.buffer(), r, n));
      k.solveLower32(F, n, b);
    },
    backward: () => k.solveLowerT32(F, n, b),
    b: () => new Float32Array(k.buffer(), b, n).slice(),
  };
}

const { sizes, reps, against } = kernelBenchArgs("500,1000,2000");
console.log(`load before ${load()}`);
console.log(
  "| n | solve | this build µs | GB/s | against µs | GB/s | ratio | identical |\n| - | - | - | - | - | - | - | - |",
);
for (const n of sizes) {
  const own = prepared(kernelsFrom(OWN_KERNELS), n);
  const other = against === "" ? null : prepared(kernelsFrom(against), n);
  const times = { forward: [[], []], backward: [[], []] } as Record<string, number[][]>;
  const same = { forward: true, backward: true } as Record<string, boolean>;
  for (let rep = -1; rep < reps; rep++) {
    for (const which of ["forward", "backward"] as const) {
      for (const [slot, kern] of [own, other].entries()) {
        if (kern === null) continue;
        const t0 = performance.now();
        kern[which]();
        if (rep >= 0) times[which]![slot]!.push(performance.now() - t0);
      }
      if (other !== null && rep === -1) {
        const mine = own.b();
        const theirs = other.b();
        same[which] = mine.every((v, i) => Object.is(v, theirs[i]));
      }
    }
  }
  const gb = (ms: number) => ((4 * n * (n + 1)) / 2 / (ms * 1e-3) / 1e9).toFixed(1);
  for (const which of ["forward", "backward"]) {
    const a = median(times[which]![0]!);
    const o = other === null ? "" : median(times[which]![1]!);
    console.log(
      `| ${n} | ${which} | ${(a * 1e3).toFixed(0)} | ${gb(a)} | ${o === "" ? "" : (o * 1e3).toFixed(0)} | ` +
        `${o === "" ? "" : gb(o)} | ${o === "" ? "" : (a / o).toFixed(2)} | ${o === "" ? "" : same[which] ? "yes" : "NO"} |`,
    );
  }
}
console.log(`load after ${load()}`);
