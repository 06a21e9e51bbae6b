/**
 * magtrack (fast and exact modes) against a magnipy-like numpy/scipy reference, same clouds, one run.
 * Run: npm run build && npx tsx bench/profile-vs-reference.ts [--quick] [--threads 1|2] [--only NAME]
 * Needs Debian's python3-numpy / python3-scipy (/usr/bin/python3). The reference gets OpenBLAS's best
 * kernels (OPENBLAS_CORETYPE=SkylakeX) and the same thread count as magtrack: --threads 1 computes
 * each profile on the calling thread; --threads T ≥ 2 splits each profile's grid across the calling
 * thread and T − 1 piscina workers (ProfilePool.profileSplit; the worker runs from dist/, hence the
 * build), with OPENBLAS_NUM_THREADS = T for the reference. Prints medians, ratios, accuracy of the
 * fast values against the reference, and the load.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { computeProfile, type MagnitudeProfile, type PointCloud } from "../src/core/index.js";
import { encodeNpy } from "../src/io/npy-write.js";
import { ProfilePool } from "../src/sync/pool.js";
import { benchCloud } from "./clouds.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const threads = args.includes("--threads") ? Number(args[args.indexOf("--threads") + 1]) || 1 : 1;
const only = args.includes("--only") ? args[args.indexOf("--only") + 1] : undefined;
const pool = threads > 1 ? new ProfilePool({ threads: threads - 1 }) : null;
const outDir = join(import.meta.dirname ?? ".", "out");
mkdirSync(outDir, { recursive: true });

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

async function timeProfile(pc: PointCloud, mode: "fast" | "exact", reps: number) {
  const times: number[] = [];
  let prof: MagnitudeProfile | undefined;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    prof = pool ? await pool.profileSplit(pc, { mode }) : computeProfile(pc, { mode });
    times.push((performance.now() - t0) / 1000);
  }
  return { median: median(times), prof: prof! };
}

interface Case {
  name: string;
  pc: PointCloud;
  reps: number;
  exact: boolean;
}
const cases: Case[] = [];
for (const n of quick ? [1000] : [1000, 2000]) {
  for (const d of [64, 512]) {
    const reps = n === 1000 ? 5 : 3;
    cases.push({
      name: `uniform n=${n} d=${d}`,
      pc: benchCloud("uniform", n, d),
      reps,
      exact: n === 1000 && d === 64,
    });
    cases.push({ name: `clustered n=${n} d=${d}`, pc: benchCloud("clustered", n, d), reps, exact: false });
  }
}
if (!quick)
  cases.push({ name: "uniform n=4000 d=64", pc: benchCloud("uniform", 4000, 64), reps: 1, exact: false });
const selected = only ? cases.filter((c) => c.name.replace(/[ =]/g, "_").includes(only)) : cases;

// warm up the wasm tiers once (not timed)
computeProfile(benchCloud("uniform", 300, 16), { mode: "fast" });
await pool?.profileSplit(benchCloud("uniform", 300, 16), { mode: "fast" });

const env = {
  ...process.env,
  OPENBLAS_CORETYPE: "SkylakeX",
  OPENBLAS_NUM_THREADS: String(threads),
  OMP_NUM_THREADS: String(threads),
};
console.log(
  `load before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}; threads ${threads}`,
);
console.log(
  "case                      | fast s | exact s | ref s  | fast/ref | t_conv rel (vs ref rtol 1e-5) | max |fast−ref| / max(1e-9·ref, bound)",
);
for (const c of selected) {
  // the pool transfers nothing here (profileSplit plans on this thread), so the cloud stays usable
  const fast = await timeProfile(c.pc, "fast", c.reps);
  const exact = c.exact ? await timeProfile(c.pc, "exact", 1) : null;
  const cloudFile = join(outDir, `${c.name.replace(/[ =]/g, "_")}.npy`);
  const tsFile = `${cloudFile}.ts.npy`;
  writeFileSync(cloudFile, encodeNpy(c.pc.data, [c.pc.n, c.pc.d]));
  writeFileSync(tsFile, encodeNpy(fast.prof.scales, [fast.prof.scales.length]));
  const py = spawnSync(
    "/usr/bin/python3",
    [join(import.meta.dirname ?? ".", "reference_magnipy_like.py"), String(c.reps), cloudFile, tsFile],
    { env, encoding: "utf8", maxBuffer: 1 << 24 },
  );
  if (py.status !== 0) {
    console.log(`${c.name}: reference failed: ${py.stderr.trim().split("\n").pop()}`);
    continue;
  }
  const ref = JSON.parse(py.stdout.trim().split("\n").pop()!);
  let worst = 0;
  fast.prof.magnitude.forEach((m, k) => {
    const r = ref.check_magnitude[k] as number;
    const allowed = Math.max(1e-9 * Math.abs(r), fast.prof.solveInfo[k].errorBound ?? 0);
    worst = Math.max(worst, Math.abs(m - r) / allowed);
  });
  const tRel = Math.abs(fast.prof.tConv! - ref.t_conv) / ref.t_conv;
  const letter: Record<string, string> = {
    "closed-form": "0",
    cholesky: "C",
    cg: "g",
    "cg-preconditioned": "P",
    eigen: "E",
  };
  const solvers = fast.prof.solveInfo.map((s) => letter[s.solver] ?? "?").join("");
  console.log(
    `${c.name.padEnd(25)} | ${fast.median.toFixed(3)} | ${exact ? exact.median.toFixed(3).padStart(7) : "      -"} | ` +
      `${ref.median_s.toFixed(3)} | ${(fast.median / ref.median_s).toFixed(3).padStart(8)} | ${tRel.toExponential(2).padStart(9)}` +
      ` | ${worst.toFixed(3)}  solvers ${solvers}`,
  );
}
console.log(
  `load after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
await pool?.close();
