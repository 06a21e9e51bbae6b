/**
 * One trajectory window: 1000 iterates projected to m = 2048 dimensions (issue 13 budget: ≤ 2 s on one
 * core). The window is an SGD-like path: iterate_k = iterate_{k−1} + drift + Gaussian noise (Box–Muller
 * on the golden LCG), so consecutive iterates are close and the path is long — what a logged weight
 * trajectory looks like after projection. Everything in this thread (no worker pool).
 * Run: npx tsx bench/trajectory-window.ts [iterates=1000] [m=2048] [repeats=5]
 */
import type { PointCloud } from "../src/core/index.js";
import { windowMetrics } from "../src/trajectory/window-metrics.js";

function sgdPath(n: number, m: number, seed: number): PointCloud {
  let x = seed;
  const u = () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return (x + 0.5) / 2147483648;
  };
  const gauss = () => Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  const data = new Float64Array(n * m);
  const drift = Float64Array.from({ length: m }, () => gauss() * 0.002);
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < m; j++) data[i * m + j] = data[(i - 1) * m + j] + drift[j] + 0.01 * gauss();
  }
  return { data, n, d: m };
}

const n = Number(process.argv[2] ?? 1000);
const m = Number(process.argv[3] ?? 2048);
const repeats = Number(process.argv[4] ?? 5);
const w = sgdPath(n, m, 1);
const times: number[] = [];
let last: Record<string, number> = {};
for (let r = 0; r < repeats; r++) {
  const t0 = performance.now();
  last = windowMetrics(w);
  times.push(performance.now() - t0);
}
times.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    iterates: n,
    m,
    repeats,
    medianMs: Math.round(times[Math.floor(times.length / 2)]),
    minMs: Math.round(times[0]),
    maxMs: Math.round(times[times.length - 1]),
    metrics: last,
  }),
);
