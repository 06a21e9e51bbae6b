/**
 * One-off timing of computeProfile in exact mode on a uniform LCG cloud (n = 1000, d = 64 by default).
 * Run: npx tsx bench/core-exact.ts [n] [d]
 */
import { computeProfile, type PointCloud } from "../src/core/index.js";

/** Golden LCG: x ← (1103515245·x + 12345) mod 2^31, u = x/2^31, seed not emitted. */
function lcgCloud(n: number, d: number, seed: number): PointCloud {
  const data = new Float64Array(n * d);
  let x = BigInt(seed);
  for (let k = 0; k < n * d; k++) {
    x = (1103515245n * x + 12345n) % 2147483648n;
    data[k] = Number(x) / 2147483648;
  }
  return { data, n, d };
}

const n = Number(process.argv[2] ?? 1000);
const d = Number(process.argv[3] ?? 64);
const pc = lcgCloud(n, d, 1);
const t0 = performance.now();
const prof = computeProfile(pc, { mode: "exact" });
const ms = performance.now() - t0;
const solvers = new Map<string, number>();
for (const s of prof.solveInfo) solvers.set(s.solver, (solvers.get(s.solver) ?? 0) + 1);
console.log(
  JSON.stringify({
    n,
    d,
    totalMs: Math.round(ms),
    tConv: prof.tConv,
    tConvEvaluations: prof.tConvInfo?.iterations,
    magAreaScaled: prof.magAreaScaled,
    magnitudeDimension: prof.magnitudeDimension,
    solvers: Object.fromEntries(solvers),
    timingsMs: Object.fromEntries(Object.entries(prof.timingsMs).map(([k, v]) => [k, Math.round(v)])),
  }),
);
