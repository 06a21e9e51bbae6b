/**
 * End-to-end over the local store, through the CLI in-process: fresh sync, re-sync, a new step,
 * a corrupt file among good ones, dry-run, probe rows and the reference scale.
 */
import { readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { computeProfile } from "../../src/core/profile.js";
import { cli } from "../helpers/cli.js";
import { expectCloseResults } from "../helpers/close-results.js";
import { makeStore, readResultLines, stepCloud, writeStep } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});
async function store(spec: Parameters<typeof makeStore>[0]) {
  const root = await makeStore(spec);
  roots.push(root);
  return root;
}

const keyOf = (l: { layer: string; step: number }) => `${l.layer}@${l.step}`;

describe("magtrack sync over a local store", () => {
  it("computes every (layer, step), writes metrics, charts and a report; a second sync writes nothing", async () => {
    const root = await store({
      runs: { a: { layers: { fc1: [0, 1, 2], fc2: [0, 1, 2] } }, b: { layers: { fc1: [0, 5] } } },
    });
    const first = await cli(["sync", "--root", root, "--json"]);
    expect(first.code).toBe(0);
    const linesA = await readResultLines(root, "a");
    expect(linesA.map(keyOf).sort()).toEqual(["fc1@0", "fc1@1", "fc1@2", "fc2@0", "fc2@1", "fc2@2"]);
    for (const f of [
      "report.html",
      "fc1/curves.svg",
      "fc1/trends.svg",
      "metrics.csv",
      "references.json",
      "settings.json",
    ]) {
      expect((await stat(join(root, "a", "magnitude", f))).size).toBeGreaterThan(0);
    }
    const summary = JSON.parse(first.stdout.trim().split("\n").at(-1)!);
    expect(summary).toMatchObject({ type: "summary", runs: 2, ok: 2, failed: 0, stepsWritten: 8 });

    const before = await readFile(join(root, "a", "magnitude", "metrics.jsonl"));
    const mtime = (await stat(join(root, "a", "magnitude", "metrics.jsonl"))).mtimeMs;
    const second = await cli(["sync", "--root", root]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/0 steps written.*nothing new to write/);
    expect(await readFile(join(root, "a", "magnitude", "metrics.jsonl"))).toEqual(before);
    expect((await stat(join(root, "a", "magnitude", "metrics.jsonl"))).mtimeMs).toBe(mtime);
  });

  it("fixes T from the earliest step's t_conv and reuses it for later steps; metrics match the core", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [3, 7] } } } });
    expect((await cli(["sync", "--root", root])).code).toBe(0);
    const refs = JSON.parse(await readFile(join(root, "a", "magnitude", "references.json"), "utf8"));
    const lines = await readResultLines(root, "a");
    const seed = 12; // first layer of the first run in makeStore
    const cloud3 = { data: stepCloud(seed, 40, 4, 3), n: 40, d: 4 };
    const cloud7 = { data: stepCloud(seed, 40, 4, 7), n: 40, d: 4 };
    const p3 = computeProfile(cloud3);
    expect(refs.fc1.step).toBe(3);
    // T is step 3's t_conv, to its stated 1e-10 relative (the search may start from a value this
    // process kept for run a's fc1 in an earlier test: src/core/fast/tconv-hints.ts)
    expectCloseResults(refs.fc1.T, p3.tConv!, 1e-10, "T");
    const p7 = computeProfile(cloud7, { tMax: p3.tConv! });
    const l7 = lines.find((l) => l.step === 7)!;
    // t_conv is found to 1e-10 relative (computeTConv's rtol); the sync starts step 7's search from
    // step 3's value (src/core/fast/tconv-hints.ts), a cold computeProfile does not, so the last bits differ.
    expectCloseResults(l7.metrics.t_conv, p7.tConv!, 1e-10, "t_conv at step 7");
    expectCloseResults(l7.metrics.area, p7.magAreaScaled, 1e-9, "area at step 7");
    expect(l7.curve!.t.at(-1)).toBe(refs.fc1.T); // the grid ends at the layer's T
    // diff_ref = ∫|Mag7 − Mag3| dt / T on the common grid; 0 at the reference step itself.
    const p3grid = computeProfile(cloud3, { tMax: p3.tConv! });
    let area = 0;
    for (let i = 1; i < 30; i++) {
      const dt = p7.scales[i]! - p7.scales[i - 1]!;
      area +=
        (dt *
          (Math.abs(p7.magnitude[i]! - p3grid.magnitude[i]!) +
            Math.abs(p7.magnitude[i - 1]! - p3grid.magnitude[i - 1]!))) /
        2;
    }
    expectCloseResults(l7.metrics.diff_ref, area / p3.tConv!, 1e-9, "diff_ref at step 7");
    expect(lines.find((l) => l.step === 3)!.metrics.diff_ref).toBe(0);
  });

  it("a new step adds only that step and keeps the layer's T", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] } } } });
    await cli(["sync", "--root", root]);
    const before = await readResultLines(root, "a");
    const refsBefore = await readFile(join(root, "a", "magnitude", "references.json"), "utf8");
    await writeStep(root, "a", "fc1", 2, stepCloud(99, 40, 4, 2), 40, 4);
    const out = await cli(["sync", "--root", root, "--json"]);
    expect(out.code).toBe(0);
    const after = await readResultLines(root, "a");
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.map(keyOf)).toEqual(["fc1@0", "fc1@1", "fc1@2"]);
    expect(await readFile(join(root, "a", "magnitude", "references.json"), "utf8")).toBe(refsBefore);
    const steps = out.stdout.split("\n").filter((l) => l.includes('"step-done"'));
    expect(steps).toHaveLength(1);
  });

  it("reports a corrupt file, finishes every good one, and exits 1", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1, 2] } }, b: { layers: { fc1: [0, 1] } } } });
    await writeFile(join(root, "a", "activations", "fc1", "step_1.npy"), Buffer.from("\x93NUMPY garbage"));
    const out = await cli(["sync", "--root", root, "--json"]);
    expect(out.code).toBe(1);
    const events = out.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const failed = events.filter((e) => e.type === "file-failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ run: "a", path: "activations/fc1/step_1.npy", step: 1 });
    expect(failed[0].message).toContain("step_1.npy");
    expect((await readResultLines(root, "a")).map(keyOf)).toEqual(["fc1@0", "fc1@2"]);
    expect((await readResultLines(root, "b")).map(keyOf)).toEqual(["fc1@0", "fc1@1"]);
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] } } } });
    const out = await cli(["backfill", "--root", root, "--dry-run"]);
    expect(out.code).toBe(0);
    expect(out.stderr).toContain("activations/fc1/step_0.npy");
    await expect(stat(join(root, "a", "magnitude"))).rejects.toThrow();
  });

  it("backfill filters by layer and step range; the reference is still the earliest step", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1, 2, 3], fc2: [0, 1] } } } });
    expect((await cli(["backfill", "--root", root, "--layers", "fc1", "--step-min", "2"])).code).toBe(0);
    expect((await readResultLines(root, "a")).map(keyOf)).toEqual(["fc1@2", "fc1@3"]);
    const refs = JSON.parse(await readFile(join(root, "a", "magnitude", "references.json"), "utf8"));
    expect(refs.fc1.step).toBe(0);
    expect(refs.fc2).toBeUndefined();
  });

  it("uses the same probe rows at every step when clouds exceed --max-points", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] } } }, n: 60 });
    // Step 1 holds exactly step 0's points: only if both steps use the same probe rows are the
    // sub-clouds identical and diff_ref 0 — up to the solver's 1e-9 relative: step 1's solves are
    // preconditioned by factors kept from step 0 (factor-cache.ts), step 0's by fresh ones.
    const base = stepCloud(12, 60, 4, 0);
    await writeStep(root, "a", "fc1", 1, base, 60, 4);
    expect((await cli(["sync", "--root", root, "--max-points", "25"])).code).toBe(0);
    const lines = await readResultLines(root, "a");
    expect(lines.map((l) => l.metrics.n_points)).toEqual([25, 25]);
    const magT = Number(lines[0]!.metrics.mag_T);
    expect(lines[1]!.metrics.diff_ref).toBeLessThanOrEqual(1e-9 * magT);
    expectCloseResults(lines[1]!.metrics.mag_T, magT, 1e-9, "Mag(T) at step 1");
  });

  it("--scale run: a first step with one distinct row waits for the layer's first step with a t_conv", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [1] } } } });
    await writeStep(root, "a", "fc1", 0, new Float64Array(40 * 4).fill(0.5), 40, 4); // e.g. a dead ReLU layer
    expect((await cli(["sync", "--root", root, "--scale", "run"])).code).toBe(0);
    const refs = JSON.parse(await readFile(join(root, "a", "magnitude", "references.json"), "utf8"));
    expect(refs.fc1.step).toBe(1);
    const lines = await readResultLines(root, "a");
    const step0 = lines.find((l) => l.step === 0)!;
    expect(step0.metrics.n_distinct).toBe(1);
    expect(step0.curve!.magnitude.every((m) => m === 1)).toBe(true); // Mag of one point is 1 at every t
    expect(step0.curve!.t.at(-1)).toBe(refs.fc1.T);
  });

  it("defers running runs and says so", async () => {
    const root = await store({ runs: { live: { layers: { fc1: [0] }, status: "running" } } });
    const out = await cli(["sync", "--root", root, "--json"]);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('"run-deferred"');
    expect(await readResultLines(root, "live")).toEqual([]);
  });

  it("reads settings from MAGTRACK_* env and rejects bad options with exit 2", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0] } } } });
    expect((await cli(["sync"], { env: { MAGTRACK_ROOT: root, MAGTRACK_N_SCALES: "12" } })).code).toBe(0);
    expect((await readResultLines(root, "a"))[0]!.curve!.t).toHaveLength(12);
    const bad = await cli(["sync", "--root", root, "--q", "1.5"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--q must be in (0, 1]");
    expect((await cli(["sync"])).code).toBe(2);
    expect((await cli(["frobnicate"])).code).toBe(2);
  });
});
