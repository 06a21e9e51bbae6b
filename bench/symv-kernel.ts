/**
 * Issue 16: the symmetric mat-vec y = Z·x (lower triangle stored, f64) that every CG and PCG
 * iteration costs, in µs and in GB/s of the triangle read (8·n(n+1)/2 bytes), this build's wasm
 * kernel side by side with another build's (`--against <path to kernels.wasm>`, e.g. a clone of an
 * earlier commit after `npm run build:wasm`), alternating call by call; also checks that both give
 * bit-identical y. Random entries from the golden LCG; median of `--reps` calls after a warm-up.
 *
 *   npx tsx bench/symv-kernel.ts [--sizes 500,1000,2000,4000] [--reps 200] [--against FILE]
 */
import type { DenseKernels } from "../src/kernels/types.js";
import { kernelBenchArgs, kernelsFrom, load, median, OWN_KERNELS } from "./kernel-ab.js";

/** A kernel instance holding an n×n matrix and x, y at fixed offsets; run() is one mat-vec. */
function prepared(k: DenseKernels, n: number) {
  const A = k.heapBase;
  const x = A + 8 * n * n;
  const y = x + 8 * n;
  k.growTo(y + 8 * n);
  const f = new Float64Array(k.buffer());
  let s = 12345;
  const u = () => {
    s = (1103515245 * s + 12345) % 2147483648;
    return s / 2147483648;
  };
  for (let i = 0; i < n * n; i++) f[A / 8 + i] = u();
  for (let i = 0; i < n; i++) f[x / 8 + i] = u() - 0.5;
  return {
    run: () => k.symvLower64(A, n, x, y),
    y: () => new Float64Array(k.buffer(), y, n).slice(),
  };
}

const { sizes, reps, against } = kernelBenchArgs("500,1000,2000,4000");
console.log(`load before ${load()}`);
console.log("| n | this build µs | GB/s | against µs | GB/s | ratio | y identical |");
console.log("| - | - | - | - | - | - | - |");
for (const n of sizes) {
  const own = prepared(kernelsFrom(OWN_KERNELS), n);
  const other = against === "" ? null : prepared(kernelsFrom(against), n);
  const tOwn: number[] = [];
  const tOther: number[] = [];
  own.run();
  other?.run();
  for (let r = 0; r < reps; r++) {
    let t0 = performance.now();
    own.run();
    tOwn.push(performance.now() - t0);
    if (other !== null) {
      t0 = performance.now();
      other.run();
      tOther.push(performance.now() - t0);
    }
  }
  const gb = (ms: number) => ((8 * n * (n + 1)) / 2 / (ms * 1e-3) / 1e9).toFixed(1);
  const a = median(tOwn);
  const b = other === null ? Number.NaN : median(tOther);
  const same = other === null ? "" : own.y().every((v, i) => Object.is(v, other.y()[i])) ? "yes" : "NO";
  console.log(
    `| ${n} | ${(a * 1e3).toFixed(0)} | ${gb(a)} | ${other === null ? "" : (b * 1e3).toFixed(0)} | ` +
      `${other === null ? "" : gb(b)} | ${other === null ? "" : (a / b).toFixed(2)} | ${same} |`,
  );
}
console.log(`load after ${load()}`);
