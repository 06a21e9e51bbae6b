/**
 * Issue 18: large realistic clouds (bench/relu-cloud.ts: ReLU activations, d = 64, intrinsic dimension 32)
 * through `magtrack compute --json` in a child process each (wall time, peak RSS from /usr/bin/time -f %M),
 * against the magnipy-like numpy/scipy reference (bench/reference_magnipy_like.py) where it runs.
 *
 *   npm run build && npx tsx bench/large-clouds.ts [--sizes 2000,4000,8000,20000] [--reps 3] [--ref-max 8000] [--d 64] [--pin C]
 *
 * --d: the clouds' width (issue 16's 2000 × 512 case: --sizes 2000 --d 512).
 * --pin C: run every child (magtrack and the reference) under `taskset -c C`, so both are timed on the
 * same CPU: on the 2-vCPU VM of 2026-12-07 one vCPU ran the mat-vec 1.6–2.4× slower than the other at
 * times (bench/README.md, sixth session), and unpinned children can land on different ones.
 *
 * Each size: the median of --reps compute runs (sizes ≥ 8000 run once); the reference once (its own
 * median_s of one rep) with OPENBLAS_CORETYPE=SkylakeX, OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = 1.
 * `compute` includes TAG23's dimension fit (extra scales below t_conv); the reference does not fit.
 * Compared: t_conv (relative difference; the reference stops at rtol 1e-5) and MagArea/T (each on its
 * own grid [0, t_conv]). A size the engine refuses (memory budget, wasm limit) is reported with its
 * typed error.
 *
 * Page faults: each process's minor faults and sys time (/usr/bin/time %R, %S) are printed, with the
 * machine's cost of a first touch of a fresh 4 KiB page (a child touching 64 MiB once). A one-cloud
 * process touches every page of its buffers for the first time; numpy's large arrays are backed by
 * transparent huge pages (it madvises them), V8's wasm memory and ArrayBuffers are not, so where a
 * fault is dear (≈ 13 µs on the 2026-12-08 AMD VM) the ratio moves with it.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { encodeNpy } from "../src/io/npy-write.js";
import { reluCloud } from "./relu-cloud.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const sizes = arg("sizes", "2000,4000,8000,20000").split(",").map(Number);
const reps = Number(arg("reps", "3"));
const refMax = Number(arg("ref-max", "8000"));
const width = Number(arg("d", "64"));
const pin = arg("pin", "");
if (pin !== "" && spawnSync("taskset", ["-c", pin, "true"]).status !== 0) {
  throw new Error(
    `--pin ${pin}: \`taskset -c ${pin} true\` failed (util-linux's taskset missing, or no such CPU)`,
  );
}
const pinned = (cmd: string[]) => (pin === "" ? cmd : ["taskset", "-c", pin, ...cmd]);
const extra = process.argv.includes("--") ? process.argv.slice(process.argv.indexOf("--") + 1) : [];
const root = join(import.meta.dirname ?? ".", "..");
const dir = mkdtempSync(join(tmpdir(), "magtrack-large-bench-"));

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/**
 * Runs a command under /usr/bin/time; returns stdout, stderr without the time line, wall s, max RSS MB,
 * minor page faults and sys s.
 */
function timed(cmd: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %M %R %S", ...pinned(cmd)], {
    encoding: "utf8",
    env,
    maxBuffer: 1 << 26,
  });
  const lines = r.stderr.trimEnd().split("\n");
  const m = /^TIME (\S+) (\S+) (\S+) (\S+)$/.exec(lines.at(-1) ?? "");
  return {
    faults: m ? Number(m[3]) : Number.NaN,
    sysS: m ? Number(m[4]) : Number.NaN,
    stdout: r.stdout,
    stderr: lines.slice(0, -1).join("\n"),
    wallS: m ? Number(m[1]) : Number.NaN,
    rssMB: m ? Number(m[2]) / 1024 : Number.NaN,
  };
}

/** µs per first touch of a fresh 4 KiB page: a child fills 64 MiB of new memory, one byte a page. */
function firstTouchMicros(): number {
  const script =
    "const a = new Uint8Array(64 << 20); const t = performance.now();" +
    "for (let i = 0; i < a.length; i += 4096) a[i] = 1;" +
    "console.log((performance.now() - t) * 1000 / (a.length / 4096));";
  return Number(timed(["node", "-e", script]).stdout.trim());
}

console.log(
  `load before: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}${pin === "" ? "" : `; every child pinned to CPU ${pin}`}; ` +
    `first touch of a fresh 4 KiB page ${firstTouchMicros().toFixed(1)} µs`,
);
const rows: string[] = [];
for (const n of sizes) {
  const file = join(dir, `relu-${n}x${width}.npy`);
  const c = reluCloud(n, 1, width);
  writeFileSync(file, encodeNpy(c.data, [c.n, c.d]));
  const runs = [];
  for (let r = 0; r < (n >= 8000 ? 1 : reps); r++) {
    runs.push(
      timed([
        "node",
        join(root, "dist/src/cli/main.js"),
        "compute",
        "--json",
        "--max-points",
        String(n),
        ...extra,
        file,
      ]),
    );
  }
  const out = JSON.parse(runs[0]!.stdout.trim().split("\n")[0]!);
  if (out.error !== undefined) {
    console.log(
      `n = ${n}: refused in ${runs[0]!.wallS} s, peak RSS ${runs[0]!.rssMB.toFixed(0)} MB: ${out.error}`,
    );
    rows.push(
      `| ${n} | refused | ${runs[0]!.rssMB.toFixed(0)} | – | – | – | – | ${out.error.replace(/\|/g, "/")} |`,
    );
    continue;
  }
  const wall = median(runs.map((r) => r.wallS));
  const rss = median(runs.map((r) => r.rssMB));
  const t = out.timings_ms as Record<string, number>;
  const solvers = [...new Set(out.solvers as string[])].join("+");
  console.log(
    `n = ${n}: wall ${wall} s (runs ${runs.map((r) => r.wallS).join(", ")}), peak RSS ${rss.toFixed(0)} MB, ` +
      `distances ${t.distances?.toFixed(0)} ms, t_conv ${t.tConv?.toFixed(0)} ms, grid ${t.grid?.toFixed(0)} ms, ` +
      `dimension fit ${t.dimensionFit?.toFixed(0)} ms; t_conv ${out.t_conv}, area/T ${out.mag_area_scaled}; ${solvers}; ` +
      `${median(runs.map((r) => r.faults))} minor faults, ${median(runs.map((r) => r.sysS))} s sys`,
  );
  let refCols = "– | – | –";
  if (n <= refMax) {
    const ref = timed(["/usr/bin/python3", join(root, "bench/reference_magnipy_like.py"), "1", file], {
      ...process.env,
      OPENBLAS_CORETYPE: "SkylakeX",
      OPENBLAS_NUM_THREADS: "1",
      OMP_NUM_THREADS: "1",
    });
    const rj = JSON.parse(ref.stdout.trim());
    const dT = Math.abs(out.t_conv - rj.t_conv) / rj.t_conv;
    const refScaled = rj.area / rj.t_conv;
    const dA = Math.abs(out.mag_area_scaled - refScaled) / refScaled;
    console.log(
      `  reference: ${rj.median_s.toFixed(2)} s profile (${ref.wallS} s wall, peak RSS ${ref.rssMB.toFixed(0)} MB, ` +
        `${ref.faults} minor faults, ${ref.sysS} s sys), ` +
        `t_conv ${rj.t_conv} (rel diff ${dT.toExponential(2)}), area/T ${refScaled} (rel diff ${dA.toExponential(2)}); ` +
        `wall ratio ${(wall / ref.wallS).toFixed(3)}`,
    );
    refCols = `${rj.median_s.toFixed(1)} s, ${ref.rssMB.toFixed(0)} MB | ${dT.toExponential(1)} | ${dA.toExponential(1)}`;
  }
  rows.push(
    `| ${n} | ${wall.toFixed(1)} | ${rss.toFixed(0)} | ${(t.grid / 1000).toFixed(1)} + ${(t.tConv / 1000).toFixed(1)} + ${((t.dimensionFit ?? 0) / 1000).toFixed(1)} | ${refCols} | ${solvers} |`,
  );
}
console.log(
  `load after: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(" ")}`,
);
console.log(
  "\n| n | wall s (median) | peak RSS MB | grid + t_conv + dim fit s | reference (numpy/scipy) | t_conv rel diff | area/T rel diff | solvers |",
);
console.log("|---|---|---|---|---|---|---|---|");
for (const r of rows) console.log(r);
