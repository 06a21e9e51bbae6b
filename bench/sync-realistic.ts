/**
 * Issue 16: the whole `magtrack sync` over realistic drifting clouds (bench/drifting-clouds.ts: ReLU MLP
 * activations, n = 1000, d = 64, probes spanning 32 dimensions, weights drifting ~1 % per step;
 * default 1 run × 2 layers × 25 steps) against a magnipy-like numpy/scipy loop over the same files
 * (bench/reference_sync_loop.py), side by side in one run, each rep alternating the two.
 *
 *   npm run build && npx tsx bench/sync-realistic.ts [--reps 3] [--workers 1] [--n 1000] [--steps 25] [--runs 1] [--no-ref]
 *     [--baseline /path/to/other/checkout]
 *
 * magtrack: `node dist/src/cli/main.js sync --tracker local --root <fresh copy> --workers W --no-lock`
 * in a child process under /usr/bin/time (wall, user+sys CPU, peak RSS); a fresh copy of the store for
 * every rep, so every rep computes every step. Reference: /usr/bin/python3 with OPENBLAS_CORETYPE=SkylakeX
 * (the script prints the OpenBLAS core actually used) and OPENBLAS_NUM_THREADS = OMP_NUM_THREADS = W.
 * --baseline: also sync with that checkout's dist/ (built) in the same reps, for a paired before/after.
 * Printed: medians of --reps, every rep, the ratio magtrack / reference, load (uptime) before and after,
 * and the largest relative t_conv difference between the two (each step's own t_conv; the reference
 * stops at rtol 1e-5).
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { writeDriftingStore } from "./drifting-clouds.js";

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}
const reps = Number(arg("reps", "3"));
const workers = Number(arg("workers", "1"));
const n = Number(arg("n", "1000"));
const steps = Number(arg("steps", "25"));
const runs = Number(arg("runs", "1"));
const withRef = !process.argv.includes("--no-ref");
const baseline = process.argv.includes("--baseline") ? arg("baseline", "") : undefined;
const root = join(import.meta.dirname ?? ".", "..");
const dir = mkdtempSync(join(tmpdir(), "magtrack-sync-bench-"));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;

/** A command under /usr/bin/time: stdout, wall s, CPU s (user + sys), peak RSS MB. */
function timed(cmd: string[], env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync("/usr/bin/time", ["-f", "TIME %e %U %S %M", ...cmd], {
    encoding: "utf8",
    env,
    maxBuffer: 1 << 26,
  });
  const lines = r.stderr.trimEnd().split("\n");
  const m = /^TIME (\S+) (\S+) (\S+) (\S+)$/.exec(lines.at(-1) ?? "");
  if (r.status !== 0 || m === null) {
    throw new Error(`${cmd.join(" ")} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  }
  return {
    stdout: r.stdout,
    wallS: Number(m[1]),
    cpuS: Number(m[2]) + Number(m[3]),
    rssMB: Number(m[4]) / 1024,
  };
}

/** t_conv per activation file from a synced store's metrics.jsonl (keyed like the reference's). */
function syncedTConv(store: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const entry of readdirSync(store, { withFileTypes: true })) {
    // runs are folders; .magtrack holds the store's shared state, magtrack-index.html is the index page
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    const lines = readFileSync(join(store, entry.name, "magnitude", "metrics.jsonl"), "utf8")
      .trim()
      .split("\n");
    for (const line of lines) {
      const row = JSON.parse(line) as {
        family?: string;
        layer: string;
        step: number;
        metrics: Record<string, number>;
      };
      // other result families (trajectory windows: family "trajectory" / "reptraj") share (layer, step)
      if (row.family !== undefined && row.family !== "magnitude") continue;
      out.set(`${entry.name}/activations/${row.layer}/step_${row.step}.npy`, row.metrics.t_conv!);
    }
  }
  return out;
}

const template = join(dir, "template");
const files = writeDriftingStore(template, { n, steps, drift: 0.01, runs });
console.log(`${files.length} clouds (${runs} run × 2 layers × ${steps} steps, ${n} × 64) in ${template}`);
console.log(`load before: ${load()}`);
/** One sync of a fresh copy of the store with `tree`'s dist/; checks every step was written. */
function syncWith(tree: string, r: number, tag: string) {
  const store = join(dir, `rep-${r}-${tag}`);
  cpSync(template, store, { recursive: true });
  const run = timed([
    "node",
    join(tree, "dist/src/cli/main.js"),
    "sync",
    "--tracker",
    "local",
    "--root",
    store,
    "--workers",
    String(workers),
    "--no-lock",
    "--quiet",
  ]);
  const tConv = syncedTConv(store);
  if (tConv.size !== files.length)
    throw new Error(`sync wrote ${tConv.size} steps, expected ${files.length}`);
  rmSync(store, { recursive: true, force: true });
  console.log(
    `rep ${r}: ${tag} ${run.wallS} s wall, ${run.cpuS.toFixed(1)} s CPU, ${run.rssMB.toFixed(0)} MB`,
  );
  return { run, tConv };
}

const ours: ReturnType<typeof timed>[] = [];
const base: ReturnType<typeof timed>[] = [];
const refs: { wallS: number; cpuS: number; core: string; tConv: Record<string, number> }[] = [];
let tConvOurs = new Map<string, number>();
for (let r = 0; r < reps; r++) {
  const mine = syncWith(root, r, "magtrack");
  ours.push(mine.run);
  tConvOurs = mine.tConv;
  if (baseline !== undefined) base.push(syncWith(baseline, r, "baseline").run);
  if (withRef) {
    const threads = String(workers);
    const ref = timed(["/usr/bin/python3", join(root, "bench/reference_sync_loop.py"), template], {
      ...process.env,
      OPENBLAS_CORETYPE: "SkylakeX",
      OPENBLAS_NUM_THREADS: threads,
      OMP_NUM_THREADS: threads,
    });
    const j = JSON.parse(ref.stdout.trim()) as {
      wall_s: number;
      openblas_core: string;
      t_conv: Record<string, number>;
    };
    refs.push({ wallS: j.wall_s, cpuS: ref.cpuS, core: j.openblas_core, tConv: j.t_conv });
    console.log(
      `rep ${r}: reference ${j.wall_s.toFixed(1)} s loop wall, process ${ref.cpuS.toFixed(1)} s CPU (OpenBLAS core ${j.openblas_core})`,
    );
  }
}
console.log(`load after: ${load()}`);
const wall = median(ours.map((o) => o.wallS));
const cpu = median(ours.map((o) => o.cpuS));
console.log(
  `magtrack sync --workers ${workers}: median ${wall} s wall (${ours.map((o) => o.wallS).join(", ")}), ` +
    `median ${cpu.toFixed(1)} s CPU = ${((1000 * cpu) / files.length).toFixed(0)} ms per cloud, ` +
    `peak RSS ${median(ours.map((o) => o.rssMB)).toFixed(0)} MB`,
);
if (base.length > 0) {
  const b = median(base.map((o) => o.wallS));
  console.log(
    `baseline ${baseline}: median ${b} s wall (${base.map((o) => o.wallS).join(", ")}), ` +
      `median ${median(base.map((o) => o.cpuS)).toFixed(1)} s CPU; magtrack / baseline ${(wall / b).toFixed(3)}`,
  );
}
if (refs.length > 0) {
  const refWall = median(refs.map((r) => r.wallS));
  let worst = 0;
  for (const [file, t] of tConvOurs) {
    const tr = refs[0]!.tConv[file];
    if (tr !== undefined) worst = Math.max(worst, Math.abs(t - tr) / tr);
  }
  console.log(
    `reference loop: median ${refWall.toFixed(1)} s (${refs.map((r) => r.wallS.toFixed(1)).join(", ")}), ` +
      `OpenBLAS ${[...new Set(refs.map((r) => r.core))].join("/")}`,
  );
  const refCpu = median(refs.map((r) => r.cpuS));
  console.log(`ratio magtrack / reference (median wall): ${(wall / refWall).toFixed(3)}`);
  console.log(
    `ratio magtrack / reference (median CPU, process ${cpu.toFixed(1)} s vs ${refCpu.toFixed(1)} s; ` +
      `the fairer figure when the machine is oversubscribed): ${(cpu / refCpu).toFixed(3)}`,
  );
  console.log(`largest relative t_conv difference (reference rtol 1e-5): ${worst.toExponential(2)}`);
}
rmSync(dir, { recursive: true, force: true });
