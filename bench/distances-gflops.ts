/**
 * Issue 16 item 3: Euclidean distances / Gram product speed, one core. For each n × d: the lower
 * triangle into kernel memory (FastWorkspace.computeLowerDistances: copy in, centre, rowSquaredNorms +
 * distancesLower — the Gram trick, cancelling pairs recomputed — and the closest-pair scan) and the whole
 * fast-engine step (LazyDistances.compute: copy in, centre, kernel, closest pair, sampled
 * median; no full n×n copy), and the Gram kernel alone (distancesLower on rows already in kernel
 * memory: what the ≥ 20 GFLOP/s target of issue 16 is about), median of --reps after one warm-up. GFLOP/s counts the Gram product's
 * multiply-adds, n(n+1)/2 pairs × 2d flops. Clouds: bench/relu-cloud.ts (d = 64) or uniform LCG (d ≠ 64).
 *   npx tsx bench/distances-gflops.ts [1000x64,2000x512,4000x64] [--reps 5]
 */
import { loadavg } from "node:os";
import { LazyDistances } from "../src/core/fast/lazy-distances.js";
import { FastWorkspace, RECOMPUTE_BELOW } from "../src/core/fast/workspace.js";
import { KernelArena } from "../src/kernels/arena.js";
import { createKernels } from "../src/kernels/loader.js";
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
  const k = createKernels("wasm");
  const arena = new KernelArena(k);
  const p = { X: arena.reserve64(n * d), norms: arena.reserve64(n), D: arena.reserve64(n * n) };
  arena.commit();
  // centred rows, as computeLowerDistances passes them (fewer cancelling pairs to recompute)
  const X = arena.f64(p.X, n * d);
  for (let c = 0; c < d; c++) {
    let mean = 0;
    for (let r = 0; r < n; r++) mean += pc.data[r * d + c]!;
    for (let r = 0; r < n; r++) X[r * d + c] = pc.data[r * d + c]! - mean / n;
  }
  k.rowSquaredNorms(p.X, n, d, p.norms);
  const gram: number[] = [];
  const kernel: number[] = [];
  const whole: number[] = [];
  for (let r = 0; r <= reps; r++) {
    let t0 = performance.now();
    ws.computeLowerDistances(pc.data);
    const tk = performance.now() - t0;
    t0 = performance.now();
    LazyDistances.compute(pc);
    const tw = performance.now() - t0;
    t0 = performance.now();
    k.distancesLower(p.X, p.X, n, d, p.norms, p.D, RECOMPUTE_BELOW);
    const tg = performance.now() - t0;
    if (r > 0) {
      gram.push(tg);
      kernel.push(tk);
      whole.push(tw);
    }
  }
  const g = median(gram);
  const m = median(kernel);
  const w = median(whole);
  console.log(
    `${n}×${d}: Gram kernel alone ${g.toFixed(1)} ms = ${(flops / g / 1e6).toFixed(1)} GFLOP/s; ` +
      `lower triangle in kernel memory ${m.toFixed(1)} ms = ${(flops / m / 1e6).toFixed(1)} GFLOP/s; ` +
      `fast-engine step (incl. median sample) ${w.toFixed(1)} ms = ${(flops / w / 1e6).toFixed(1)} GFLOP/s`,
  );
}
console.log(`load after: ${load()}`);
