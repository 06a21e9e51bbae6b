/**
 * Where the fast engine's time goes for one cloud: distances, t_conv, grid (and the dimension fit
 * when a sync would compute it); solver, iterations and error bound per grid scale.
 *   npx tsx bench/profile-breakdown.ts [uniform|clustered] n d [reps]
 *   npx tsx bench/profile-breakdown.ts drifting n 64 [reps] [--cold]
 * "drifting": the realistic clouds of bench/drifting-clouds.ts (layer h2, n × 64), profiled with the
 * settings `sync` uses (T pinned to step 0's t_conv, dimension fit on, the t_conv search started from
 * the previous step's value as sync's SequenceMemory does; --cold: without that hint), at steps 1, 2,
 * … in turn (each rep a new step, as a sync sees them).
 */
import { computeProfile, type PointCloud, type ProfileOptions } from "../src/core/index.js";
import { benchCloud } from "./clouds.js";
import { driftingRun } from "./drifting-clouds.js";

const positional = process.argv.slice(2).filter((a) => !a.startsWith("--"));
const hinted = !process.argv.includes("--cold");
const [kind = "uniform", nArg = "2000", dArg = "64", repsArg = "3"] = positional;
const reps = Number(repsArg);
const n = Number(nArg);
let clouds: PointCloud[];
let options: ProfileOptions = { mode: "fast" };
if (kind === "drifting") {
  clouds = [...driftingRun({ n, steps: reps + 1, drift: 0.01, seed: 1 })].map(([, l]) => ({
    data: l.h2,
    n,
    d: 64,
  }));
} else {
  const pc = benchCloud(kind as "uniform" | "clustered", n, Number(dArg));
  clouds = Array.from({ length: reps + 1 }, () => pc);
}
computeProfile(benchCloud("uniform", 300, 16), { mode: "fast" }); // warm-up
let previousTConv: number | undefined;
if (kind === "drifting") {
  const T = computeProfile(clouds[0]!, { mode: "fast" }).tConv!;
  options = { mode: "fast", tMax: T, dimensionFit: true };
  previousTConv = T;
}
const fmt = (x: number | undefined) => (x === undefined ? "-" : x.toFixed(0));
for (let r = 0; r < reps; r++) {
  const hint = hinted && previousTConv !== undefined ? { tConvHint: previousTConv } : {};
  const p = computeProfile(clouds[r + 1]!, { ...options, ...hint });
  if (kind === "drifting") previousTConv = p.tConv ?? undefined;
  const t = p.timingsMs;
  console.log(
    `total ${fmt(t.total)} ms (+ dimension fit ${fmt(t.dimensionFit)}): distances ${fmt(t.distances)}, t_conv ${fmt(t.tConv)} ` +
      `(${p.tConvInfo?.iterations} probes), grid ${fmt(t.grid)}`,
  );
  if (r === 0) {
    console.log(
      p.solveInfo
        .map(
          (s, k) =>
            `${k}:${s.solver}${s.iterations ?? ""}${s.errorBound ? `(${s.errorBound.toExponential(0)})` : ""}`,
        )
        .join(" "),
    );
  }
}
