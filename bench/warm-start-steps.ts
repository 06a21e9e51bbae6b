/**
 * Issue 16 item 2: does warm-starting a step's grid from an earlier step's weights (ProfileOptions
 * warmStart, src/core/warm-start.ts) save work on realistic drifting clouds (bench/drifting-clouds.ts,
 * layer h2, n = 1000, d = 64, T fixed by step 0 as in a sync)? Per step: grid time and the total solver
 * iterations, cold / warm from step 0 / chained from the previous step; and the largest
 * |warm − cold| in units of the two stated bounds.
 *   npx tsx bench/warm-start-steps.ts [steps 1,2,12,24]
 */
import { loadavg } from "node:os";
import { computeProfile, type MagnitudeProfile } from "../src/core/index.js";
import { driftingRun } from "./drifting-clouds.js";

const steps = (process.argv[2] ?? "1,2,12,24").split(",").map(Number);
const last = Math.max(...steps);
const clouds = [...driftingRun({ n: 1000, steps: last + 1, drift: 0.01, seed: 1 })].map(([, l]) => ({
  data: l.h2,
  n: 1000,
  d: 64,
}));
console.log(
  `load before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
computeProfile(clouds[1]!, { mode: "fast" }); // warm-up (wasm tier-up, kernel memory)
const anchor = computeProfile(clouds[0]!, { mode: "fast", keepWarmStart: true });
const T = anchor.tConv!;
const iterations = (p: MagnitudeProfile) => p.solveInfo.reduce((s, i) => s + (i.iterations ?? 0), 0);
let prev = anchor;
let previousStep = 0;
for (const s of steps) {
  // the chain needs every step in between
  for (let k = previousStep + 1; k < s; k++) {
    prev = computeProfile(clouds[k]!, {
      mode: "fast",
      tMax: T,
      warmStart: prev.warmStart!,
      keepWarmStart: true,
    });
  }
  previousStep = s;
  const cold = computeProfile(clouds[s]!, { mode: "fast", tMax: T });
  const warm = computeProfile(clouds[s]!, { mode: "fast", tMax: T, warmStart: anchor.warmStart! });
  const chain = computeProfile(clouds[s]!, {
    mode: "fast",
    tMax: T,
    warmStart: prev.warmStart!,
    keepWarmStart: true,
  });
  prev = chain;
  let worst = 0;
  for (let k = 0; k < cold.magnitude.length; k++) {
    const b = (cold.solveInfo[k]!.errorBound ?? 0) + (warm.solveInfo[k]!.errorBound ?? 0);
    if (b > 0) worst = Math.max(worst, Math.abs(cold.magnitude[k]! - warm.magnitude[k]!) / b);
  }
  const g = (p: MagnitudeProfile) => `${p.timingsMs.grid!.toFixed(0)} ms / ${iterations(p)} it`;
  console.log(
    `step ${s}: cold ${g(cold)}, warm from step 0 ${g(warm)}, chained ${g(chain)}; max |warm − cold| / bounds ${worst.toFixed(3)}`,
  );
}
console.log(
  `load after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
