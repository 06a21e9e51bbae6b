/**
 * Issue 18: what one CG iteration of `--mode large` costs, and what a matrix-free variant would: a
 * packed symmetric mat-vec with Z stored (src/core/large/packed.ts packedSymv), the same with Z_ij =
 * exp(−t·D_ij) formed on the fly from the stored distances, and one Z_t load (the exp pass per scale).
 * Random distances in [1, 2); medians of 3 after one warm-up.
 *
 *   npx tsx bench/large-matvec.ts [n = 8000]
 */
import { loadavg } from "node:os";
import { packedLength, packedSymv } from "../src/core/large/packed.js";

const n = Number(process.argv[2] ?? 8000);
const m = packedLength(n);
const D = new Float64Array(m);
const Z = new Float64Array(m);
for (let i = 0; i < m; i++) D[i] = 1 + Math.random();
const t = 3;
const x = new Float64Array(n).fill(1);
const y = new Float64Array(n);

function symvOnTheFly(): void {
  y.fill(0);
  let o = 0;
  for (let i = 0; i < n; i++) {
    const xi = x[i]!;
    let s = 0;
    for (let j = 0; j < i; j++) {
      const z = Math.exp(-t * D[o + j]!);
      s += z * x[j]!;
      y[j] += z * xi;
    }
    y[i] += s + xi;
    o += i + 1;
  }
}
const load = (): void => {
  for (let i = 0; i < m; i++) Z[i] = Math.exp(-t * D[i]!);
};
load();
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[1]!;
console.log(
  `n = ${n}, load ${loadavg()
    .map((v) => v.toFixed(2))
    .join(" ")}`,
);
for (const [name, f] of [
  ["packed mat-vec, Z stored", () => packedSymv(Z, n, x, y)],
  ["packed mat-vec, exp(−tD) on the fly", symvOnTheFly],
  ["Z_t load (exp pass)", load],
] as const) {
  f();
  const ms: number[] = [];
  for (let k = 0; k < 3; k++) {
    const t0 = performance.now();
    f();
    ms.push(performance.now() - t0);
  }
  console.log(`${name}: ${median(ms).toFixed(0)} ms`);
}
