/**
 * Issue 13: examples/pytorch/log_trajectory.py. Its numpy part (seeded Gaussian projection in row
 * blocks, trajectory windows, the local sink) runs with Debian's /usr/bin/python3 + numpy and no torch
 * at all; WeightTrajectoryLogger runs against the torch stand-in (test/fixtures/python-stubs/torch);
 * the example's real training only when torch imports (it does not on the CI image: the test's name
 * says so). The stored window is then synced, its Mag at fixed scales checked against numpy's
 * Σ Z⁻¹1 with Z = e^(−t·d) (test/fixtures/python-stubs/check_log_trajectory.py).
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { readResultLines, type StoredLine } from "../helpers/store.js";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const PYTHON = "/usr/bin/python3";
const CHECK = join(REPO, "test/fixtures/python-stubs/check_log_trajectory.py");
const imports = (module: string) => {
  try {
    execFileSync(PYTHON, ["-c", `import ${module}`], { stdio: "ignore", cwd: tmpdir() });
    return true;
  } catch {
    return false;
  }
};
const hasNumpy = existsSync(PYTHON) && imports("numpy");
if (!hasNumpy) {
  console.warn(
    "SKIPPED test/cli/pytorch-trajectory.test.ts: needs /usr/bin/python3 with numpy (apt-get install python3-numpy)",
  );
}
// The example's real-torch training is not part of the suite: Debian's python3-torch pulls 152
// packages into CI. By hand, where torch is installed:
//   python3 test/fixtures/python-stubs/check_log_trajectory.py <repo> <empty dir> torch
// (expects step_100.npy of shape 50 × 2048: see that script).

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function work(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "magtrack-trajex-"));
  dirs.push(dir);
  return dir;
}
/** What check_log_trajectory.py prints for each mode (JSON, last line of stdout). */
interface NumpyResult {
  torch_importable: boolean;
  names: string[];
  shapes: Record<string, number[]>;
  dtypes: string[];
  head_rows_equal: boolean;
  sliding_names: string[];
  same_seed_same_R: boolean;
  same_seed_same_y: boolean;
  uncached_blocks: number;
  other_seed_differs: boolean;
  other_group_differs: boolean;
  blockwise_matches_matrix: boolean;
  R_shape: number[];
  var_times_m_minus_1: number;
  var_tolerance: number;
  mean_abs_over_se: number;
  jl_pairs: number;
  jl_eps: number;
  jl_max_dev: number;
  stored: string[];
  mag_reference: Record<string, number>;
}
type StubResult = Record<string, boolean | number | string[] | number[][]>;
function check<T>(mode: "numpy" | "stub" | "torch", dir: string): T {
  const out = execFileSync(PYTHON, [CHECK, REPO, dir, mode], { encoding: "utf8" });
  return JSON.parse(out.trim().split("\n").at(-1)!) as T;
}

describe.skipIf(!hasNumpy)("examples/pytorch/log_trajectory.py", () => {
  it("numpy only (no torch importable): windows, step names, seeded R, JL distances; the window syncs", async () => {
    const dir = await work();
    const r = check<NumpyResult>("numpy", dir);
    expect(r.torch_importable).toBe(false);
    // 7 iterates, window 3 → windows end at the 3rd and 6th iterate (iterations 30, 60).
    expect(r.names).toEqual([
      "trajectory/all/step_30.npy",
      "trajectory/all/step_60.npy",
      "trajectory/head/step_30.npy",
      "trajectory/head/step_60.npy",
    ]);
    expect(r.shapes["trajectory/all/step_60.npy"]).toEqual([3, 2048]); // 5000 params > m: projected
    expect(r.shapes["trajectory/head/step_60.npy"]).toEqual([3, 10]); // 10 params ≤ m: as they are
    expect(r.dtypes).toEqual(["float32"]);
    expect(r.head_rows_equal).toBe(true);
    expect(r.sliding_names).toEqual([
      "trajectory/s/step_3.npy",
      "trajectory/s/step_4.npy",
      "trajectory/s/step_5.npy",
    ]);
    expect(r.same_seed_same_R).toBe(true);
    expect(r.same_seed_same_y).toBe(true);
    expect(r.uncached_blocks).toBe(0); // cache_bytes 0: every block drawn again, still the same R
    expect(r.other_seed_differs).toBe(true);
    expect(r.other_group_differs).toBe(true);
    expect(r.blockwise_matches_matrix).toBe(true);
    expect(r.R_shape).toEqual([2048, 5000]);
    expect(r.var_times_m_minus_1).toBeLessThan(r.var_tolerance);
    expect(r.mean_abs_over_se).toBeLessThan(5);
    // Dasgupta–Gupta bound for n = 30, m = 2048, δ = 1e-3: ε ≈ 0.174 on squared distances.
    expect(r.jl_pairs).toBe(435);
    // ε solves ε²/2 − ε³/3 = 2·ln(n(n−1)/δ)/m.
    const e = r.jl_eps;
    expect(e ** 2 / 2 - e ** 3 / 3).toBeCloseTo((2 * Math.log((30 * 29) / 1e-3)) / 2048, 9);
    expect(e).toBeGreaterThan(0.17);
    expect(e).toBeLessThan(0.18);
    expect(r.jl_max_dev).toBeLessThan(r.jl_eps);
    expect(r.stored).toEqual(["store/run/trajectory/all/step_103.npy"]);

    const root = join(dir, "store");
    const sync = await cli(["sync", "--root", root, "--fixed-scales", "0.002,0.01", "--json"]);
    expect(sync.code, sync.stderr).toBe(0);
    const lines = ((await readResultLines(root, "run")) as (StoredLine & { family?: string })[]).filter(
      (l) => l.family === "trajectory",
    );
    expect(lines.map((l) => [l.layer, l.step])).toEqual([["all", 103]]);
    const metrics = lines[0]!.metrics as Record<string, number>;
    expect(metrics.n_iterates).toBe(4);
    for (const t of ["0.002", "0.01"]) {
      const want = r.mag_reference[t]!;
      expect(Math.abs(metrics[`mag_t${t}`]! - want) / want).toBeLessThan(1e-9);
    }
  });

  it("WeightTrajectoryLogger (torch stand-in): every k-th iteration, model mode and hooks untouched", async () => {
    const r = check<StubResult>("stub", await work());
    for (const mode of [true, false]) {
      const py = mode ? "True" : "False"; // the keys carry Python's spelling of the bool
      expect(r[`training_${py}_after`]).toBe(mode);
      expect(r[`hooks_${py}`]).toBe(0);
      // every = 5, window = 2: iterates at 5, 10, 15; the window of 5 and 10 is written at 10.
      expect(r[`names_${py}`]).toEqual(["trajectory/all/step_10.npy"]);
    }
    // Rows = the flattened parameters (w, then b) after the 5th and 10th "optimiser step".
    expect(r.window_10).toEqual([
      [5, 6, 7, 8, 9, 10, 0.5, -0.5],
      [10, 11, 12, 13, 14, 15, 0.5, -0.5],
    ]);
  });
});
