import { computeProfile } from "../src/core/profile.js";
import { driftingRun } from "./drifting-clouds.js";
const clouds: Float64Array[] = [];
for (const [, l] of driftingRun({ n: 1000, steps: 25, drift: 0.01, seed: 1 })) clouds.push(l.h1);
const T = computeProfile({ data: clouds[0]!, n: 1000, d: 64 }).tConv!;
const acc: Record<string, number> = {};
const t0 = performance.now();
for (let s = 0; s < 25; s++) {
  const p = computeProfile({ data: clouds[s]!, n: 1000, d: 64 }, { tMax: T, dimensionFit: true, sequence: "x" });
  if (s > 0) for (const [k, v] of Object.entries(p.timingsMs)) acc[k] = (acc[k] ?? 0) + v / 24;
}
console.log(((performance.now() - t0) / 25).toFixed(0), "ms per cloud", JSON.stringify(Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, +v.toFixed(1)]))));
