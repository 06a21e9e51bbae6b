/**
 * Issue 13, the demo's weight windows (src/demo/weight-windows.ts): which SGD updates a window keeps,
 * the files the demo writes, and end to end: after the demo's training and a sync the runs hold
 * trajectory/all/… results at the window epochs, and the experiment report has trajectory rows.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_DEMO_RUNS, generateDemoStore } from "../../src/demo/generate.js";
import { ITERATE_EVERY, WINDOW_ITERATES, windowRow } from "../../src/demo/weight-windows.js";
import { cli } from "../helpers/cli.js";
import { readResultLines, type StoredLine } from "../helpers/store.js";
import { checkNpyHeader, npyFloat32Values } from "./npy-header-check.js";

/** 8·64 + 64 + 64·64 + 64 + 64·4 + 4: every weight and bias of the 8 → 64 → 64 → 4 MLP. */
const PARAMETERS = 4996;
const EPOCHS = 4;

describe("windowRow: the last WINDOW_ITERATES updates, one every ITERATE_EVERY, ending at the last", () => {
  it("keeps updates 2, 6, …, 62 of 63 as rows 0 … 15", () => {
    const kept = Array.from({ length: 63 }, (_, u) => [u, windowRow(u, 63)]).filter(([, r]) => r! >= 0);
    expect(WINDOW_ITERATES).toBe(16);
    expect(ITERATE_EVERY).toBe(4);
    expect(kept).toEqual(Array.from({ length: 16 }, (_, r) => [2 + 4 * r, r]));
  });
  it("an epoch too short for a whole window keeps fewer rows (then no file is written)", () => {
    const kept = Array.from({ length: 20 }, (_, u) => windowRow(u, 20)).filter((r) => r >= 0);
    expect(kept).toEqual([11, 12, 13, 14, 15]);
  });
});

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "magtrack-demo-windows-"));
  await generateDemoStore(root, { epochs: EPOCHS });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("demo weight windows", () => {
  it("writes trajectory/all/step_<epoch>.npy at even epochs: 16 iterates × all 4996 parameters, float32", async () => {
    for (const run of DEFAULT_DEMO_RUNS) {
      for (const epoch of [2, 4]) {
        const bytes = new Uint8Array(
          await readFile(join(root, run.name, "trajectory", "all", `step_${epoch}.npy`)),
        );
        const header = checkNpyHeader(bytes);
        expect(header).toMatchObject({ descr: "<f4", fortranOrder: false, shape: [16, PARAMETERS] });
        const values = npyFloat32Values(bytes, header);
        expect(values.every(Number.isFinite)).toBe(true);
        // The weights move between kept iterates (SGD steps happened between rows).
        const row = (k: number) => values.subarray(k * PARAMETERS, (k + 1) * PARAMETERS);
        let moved = 0;
        for (let i = 0; i < PARAMETERS; i++) moved += (row(15)[i]! - row(0)[i]!) ** 2;
        expect(moved).toBeGreaterThan(0);
      }
      await expect(readFile(join(root, run.name, "trajectory", "all", "step_1.npy"))).rejects.toThrow();
    }
  });

  it("after a sync every run holds trajectory/all/… at epochs 2 and 4, and the report has trajectory rows", async () => {
    const sync = await cli(["sync", "--root", root, "--json"]);
    expect(sync.code, sync.stderr).toBe(0);
    for (const run of DEFAULT_DEMO_RUNS) {
      const lines = (await readResultLines(root, run.name)) as (StoredLine & { family?: string })[];
      const windows = lines.filter((l) => l.family === "trajectory");
      expect(windows.map((l) => [l.layer, l.step])).toEqual([
        ["all", 2],
        ["all", 4],
      ]);
      for (const w of windows) {
        const m = w.metrics as Record<string, number>;
        expect(m.n_iterates).toBe(16);
        expect(m.n_points).toBe(16);
        // Mag of 16 distinct points lies in (1, 16) and grows with the scale (default fixed scales).
        const fixed = [1.36, 6.78, 16.95, 30.51].map((t) => m[`mag_t${t}`]!);
        for (const v of fixed) expect(v > 1 && v < 16).toBe(true);
        for (let i = 1; i < fixed.length; i++) expect(fixed[i]!).toBeGreaterThan(fixed[i - 1]!);
        for (const name of ["area", "t_conv", "dim", "dim_fit"]) expect(Number.isFinite(m[name])).toBe(true);
      }
    }

    const report = await cli(["report", "--root", root, "--outcome", "test_accuracy", "--json"]);
    expect(report.code, report.stderr).toBe(0);
    const rows = report.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; feature?: string; kind?: string; n?: number })
      .filter((r) => r.type === "correlation");
    const trajectoryRows = rows.filter((r) => r.feature?.includes("trajectory/all/"));
    expect(new Set(trajectoryRows.map((r) => r.feature))).toEqual(
      new Set(
        ["area", "t_conv", "dim", "dim_fit"].flatMap((n) => [`trajectory/all/${n}`, `Δ trajectory/all/${n}`]),
      ),
    );
    for (const r of trajectoryRows) {
      expect(r.kind).toBe("magnitude");
      expect(r.n).toBe(DEFAULT_DEMO_RUNS.length);
    }
    // The per-layer magnitude rows are still there, and not mixed with window results.
    expect(rows.some((r) => r.feature === "magnitude/hidden1/t_conv")).toBe(true);
  });
});
