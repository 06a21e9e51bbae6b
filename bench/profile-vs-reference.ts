/**
 * magtrack (fast and exact modes) against a magnipy-like numpy/scipy reference, same clouds, one run.
 * Run: npx tsx bench/profile-vs-reference.ts [--quick] [--threads 1]
 * Needs Debian's python3-numpy / python3-scipy (/usr/bin/python3). The reference gets OpenBLAS's best
 * kernels (OPENBLAS_CORETYPE=SkylakeX) and the same thread count as magtrack (default 1: one profile
 * is computed on one thread). Prints medians, ratios, accuracy of the fast values, and the load.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { computeProfile, type MagnitudeProfile, type PointCloud } from "../src/core/index.js";
import { encodeNpy } from "../src/io/npy-write.js";

const args = process.argv.slice(2);
const quick = args.includes("--quick");
const threads = Number(args[args.indexOf("--threads") + 1] ?? 1) || 1;
const outDir = join(import.meta.dirname ?? ".", "out");
mkdirSync(outDir, { recursive: true });

/** Golden LCG (MATH.md). */
function lcg(seed: number): () => number {
  let x = seed;
  return () => {
    x = (1103515245 * x + 12345) % 2147483648;
    return x / 2147483648;
  };
}

function uniform(n: number, d: number, seed: number): PointCloud {
  const u = lcg(seed);
  return { data: Float64Array.from({ length: n * d }, u), n, d };
}

/** 10 Gaussian-ish clusters (sum of 4 uniforms) of spread 0.15 around centres in [0, 1]^d. */
function clustered(n: number, d: number, seed: number): PointCloud {
  const u = lcg(seed);
  const centres = Array.from({ length: 10 }, () => Float64Array.from({ length: d }, u));
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < d; c++) data[i * d + c] = centres[i % 10][c] + 0.15 * (u() + u() + u() + u() - 2);
  }
  return { data, n, d };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
};

function timeProfile(pc: PointCloud, mode: "fast" | "exact", reps: number) {
  const times: number[] = [];
  let prof: MagnitudeProfile | undefined;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    prof = computeProfile(pc, { mode });
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
    cases.push({ name: `uniform n=${n} d=${d}`, pc: uniform(n, d, 1), reps, exact: n === 1000 && d === 64 });
    cases.push({ name: `clustered n=${n} d=${d}`, pc: clustered(n, d, 2), reps, exact: false });
  }
}
if (!quick) cases.push({ name: "uniform n=4000 d=64", pc: uniform(4000, 64, 3), reps: 1, exact: false });

// warm up the wasm tiers once (not timed)
computeProfile(uniform(300, 16, 9), { mode: "fast" });

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
for (const c of cases) {
  const fast = timeProfile(c.pc, "fast", c.reps);
  const exact = c.exact ? timeProfile(c.pc, "exact", 1) : null;
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
  const letter: Record<string, string> = { "closed-form": "0", cholesky: "C", cg: "g", eigen: "E" };
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
