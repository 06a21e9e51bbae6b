/**
 * Issue 18: mode "large" (packed distances, CG at every scale) against the fast engine on realistic
 * ReLU clouds (bench/relu-cloud.ts: d = 64, intrinsic dimension 32, seed 1), in-process, one thread,
 * no dimension fit. The fast engine is the reference here because it runs to n = 8000 (the exact JS
 * Cholesky takes minutes per scale there); test/fast checks it against the exact engine within 1e-9.
 *
 *   npx tsx bench/large-vs-fast.ts [--sizes 2000,4000,8000]
 *
 * Per n: the large profile's wall time, the fast profile's, t_conv and MagArea/T relative differences,
 * and over the 30 grid scales (the fast engine evaluated on the large profile's grid): the largest
 * |Mag_large − Mag_fast| / Mag, the largest stated bound / Mag, and how many scales break
 * |Mag_large − Mag_fast| ≤ bound_large + bound_fast (should be 0). Sizes above the fast engine's limit
 * (n > 12 365 at d = 64) report the large profile alone: time, peak RSS, largest stated bound.
 */
import { loadavg } from "node:os";
import { computeProfile, magnitudeFunction } from "../src/core/profile.js";
import { reluCloud } from "./relu-cloud.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const sizes = arg("sizes", "2000,4000,8000").split(",").map(Number);
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
console.log(`load before: ${load()}`);
const rows: string[] = [];
for (const n of sizes) {
  const pc = reluCloud(n);
  let t0 = performance.now();
  const L = computeProfile(pc, { mode: "large" });
  const largeS = (performance.now() - t0) / 1000;
  if (n > 12_365) {
    // beyond the fast engine (one wasm memory): the large profile alone, its time, peak RSS and bounds
    const bound = Math.max(...L.solveInfo.map((s, k) => (s.errorBound ?? 0) / L.magnitude[k]!));
    const its = L.solveInfo.reduce((a, s) => a + (s.iterations ?? 0), 0);
    console.log(
      `n = ${n}: large ${largeS.toFixed(1)} s (distances ${(L.timingsMs.distances! / 1000).toFixed(1)} s, t_conv ${(L.timingsMs.tConv! / 1000).toFixed(1)} s, grid ${(L.timingsMs.grid! / 1000).toFixed(1)} s, ${its} CG iterations on the grid), ` +
        `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB, t_conv ${L.tConv}, area/T ${L.magAreaScaled}, max stated bound/Mag ${bound.toExponential(1)}; load ${load()}`,
    );
    continue;
  }
  t0 = performance.now();
  const F = computeProfile(pc, { mode: "fast" });
  const fastS = (performance.now() - t0) / 1000;
  const ref = magnitudeFunction(pc, L.scales, { mode: "fast" });
  let worstErr = 0;
  let worstBound = 0;
  let broken = 0;
  let iterations = 0;
  for (let k = 0; k < L.scales.length; k++) {
    const err = Math.abs(L.magnitude[k]! - ref.magnitude[k]!);
    const bL = L.solveInfo[k]!.errorBound ?? 0;
    const bF = ref.solveInfo[k]!.errorBound ?? 0;
    worstErr = Math.max(worstErr, err / ref.magnitude[k]!);
    worstBound = Math.max(worstBound, bL / L.magnitude[k]!);
    if (err > bL + bF) broken++;
    iterations += L.solveInfo[k]!.iterations ?? 0;
  }
  const dT = Math.abs(L.tConv! - F.tConv!) / F.tConv!;
  const dA = Math.abs(L.magAreaScaled - F.magAreaScaled) / F.magAreaScaled;
  console.log(
    `n = ${n}: large ${largeS.toFixed(1)} s (t_conv ${(L.timingsMs.tConv! / 1000).toFixed(1)} s, grid ${(L.timingsMs.grid! / 1000).toFixed(1)} s, ${iterations} CG iterations on the grid), fast ${fastS.toFixed(1)} s; ` +
      `t_conv rel ${dT.toExponential(1)}, area/T rel ${dA.toExponential(1)}, max |ΔMag|/Mag ${worstErr.toExponential(1)}, ` +
      `max stated bound/Mag ${worstBound.toExponential(1)}, scales outside the bounds ${broken}; load ${load()}`,
  );
  rows.push(
    `| ${n} | ${largeS.toFixed(1)} | ${fastS.toFixed(1)} | ${dT.toExponential(1)} | ${dA.toExponential(1)} | ${worstErr.toExponential(1)} | ${worstBound.toExponential(1)} | ${broken} |`,
  );
}
console.log(`load after: ${load()}`);
console.log(
  "\n| n | large s | fast s | t_conv rel diff | area/T rel diff | max grid |ΔMag|/Mag | max stated bound/Mag | scales outside bounds |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
