/**
 * Where the fast engine's time goes for one cloud: distances, t_conv, grid; solver, iterations and
 * error bound per grid scale. Run: npx tsx bench/profile-breakdown.ts [uniform|clustered] n d [reps]
 */
import { computeProfile } from "../src/core/index.js";
import { benchCloud } from "./clouds.js";

const [kind = "uniform", nArg = "2000", dArg = "64", repsArg = "3"] = process.argv.slice(2);
const pc = benchCloud(kind as "uniform" | "clustered", Number(nArg), Number(dArg));
computeProfile(benchCloud("uniform", 300, 16), { mode: "fast" }); // warm-up
for (let r = 0; r < Number(repsArg); r++) {
  const p = computeProfile(pc, { mode: "fast" });
  const t = p.timingsMs;
  console.log(
    `total ${t.total.toFixed(0)} ms: distances ${t.distances.toFixed(0)}, t_conv ${t.tConv.toFixed(0)} ` +
      `(${p.tConvInfo?.iterations} probes), grid ${t.grid.toFixed(0)}`,
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
