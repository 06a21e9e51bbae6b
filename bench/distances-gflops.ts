/**
 * Issue 16 item 3: Euclidean distances / Gram product speed, one core. For each n × d: the lower
 * triangle into kernel memory (FastWorkspace.computeLowerDistances: copy in, centre, rowSquaredNorms +
 * distancesLower — the Gram trick, cancelling pairs recomputed — and the closest-pair scan) and the whole
 * fast-engine step (LazyDistances.compute: copy in, centre, kernel, closest pair, sampled
 * median; no full n×n copy), median of --reps after one warm-up. GFLOP/s counts the Gram product's
 * multiply-adds, n(n+1)/2 pairs × 2d flops. Clouds: bench/relu-cloud.ts (d = 64) or uniform LCG (d ≠ 64).
 *   npx tsx bench/distances-gflops.ts [1000x64,2000x512,4000x64] [--reps 5]
 */
import { loadavg } from "node:os";
import { LazyDistances } from "../src/core/fast/lazy-distances.js";
import { FastWorkspace } from "../src/core/fast/workspace.js";
import { uniformCloud } from "./clouds.js";
import { reluCloud } from "./relu-cloud.js";

const sizes = (process.argv[2]?.startsWith("--") ? undefined : process.argv[2]) ?? "1000x64,2000x512,4000x64";
const i = process.argv.indexOf("--reps");
const reps = i > 0 ? Number(process.argv[i + 1]) : 5;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
console.log(`load before: ${load()}`);
for (const spec of sizes.split(",")) {
  const [n, d] = spec.split("x").map(Number) as [number, number];
  const pc = d === 64 ? reluCloud(n, 1) : uniformCloud(n, d, 1);
  const flops = n * (n + 1) * d; // n(n+1)/2 pairs × 2d
  const ws = new FastWorkspace(n, d, "wasm");
  const kernel: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r <= reps; r++) {
    let t0 = performance.now();
    ws.computeLowerDistances(pc.data);
    const tk = performance.now() - t0;
    t0 = performance.now();
    LazyDistances.compute(pc);
    const tw = performance.now() - t0;
    if (r > 0) {
      kernel.push(tk);
      whole.push(tw);
    }
  }
  const k = median(kernel);
  const w = median(whole);
  console.log(
    `${n}×${d}: lower triangle in kernel memory ${k.toFixed(1)} ms = ${(flops / k / 1e6).toFixed(1)} GFLOP/s; ` +
      `fast-engine step (incl. median sample) ${w.toFixed(1)} ms = ${(flops / w / 1e6).toFixed(1)} GFLOP/s`,
  );
}
console.log(`load after: ${load()}`);
