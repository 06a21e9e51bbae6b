/**
 * --scale experiment over the local store, through the CLI in-process: one T per (experiment, layer)
 * from the earliest-started run's reference step, kept in <root>/.magtrack/scale, used by every run
 * and every later sync; runs that already hold their own T keep it. Values are checked against the
 * exact engine at the shared T (src/core, mode "exact"), never against an earlier sync's output.
 */
import { mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { cli } from "../helpers/cli.js";
import { makeStore, readResultLines, stepCloud, writeStep } from "../helpers/store.js";
import { exactAt, exactTConv, experimentScales, references, rel } from "./helpers.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});
async function store(spec: Parameters<typeof makeStore>[0]) {
  const root = await makeStore(spec);
  roots.push(root);
  return root;
}

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 10, 1);
const EXACT = ["--mode", "exact", "--workers", "1"];

describe("--scale experiment on the local store", () => {
  it("every run's layer uses t_conv of the earliest-started run's first step; metrics match the exact engine there", async () => {
    // "b" started first although "a" sorts first by name: the start time decides.
    const root = await store({
      runs: {
        a: { layers: { fc1: [0, 1] }, startTime: T0 + DAY },
        b: { layers: { fc1: [2, 4] }, startTime: T0 },
        c: { layers: { fc1: [0, 3] }, startTime: T0 + 2 * DAY },
      },
    });
    const out = await cli(["sync", "--root", root, ...EXACT]);
    expect(out.code).toBe(0);
    const T = await exactTConv(root, "b", "fc1", 2);
    // Each run's own t_conv differs from T by far more than the solver's tolerance: sharing is visible.
    expect(rel(await exactTConv(root, "a", "fc1", 0), T)).toBeGreaterThan(1e-3);
    const [stored] = await experimentScales(root);
    expect(stored).toMatchObject({ layer: "fc1", run: "b", step: 2 });
    expect(rel(stored!.T as number, T)).toBeLessThan(1e-9);
    for (const [run, steps] of [
      ["a", [0, 1]],
      ["b", [2, 4]],
      ["c", [0, 3]],
    ] as const) {
      const ref = (await references(root, run)).fc1!;
      expect(ref).toMatchObject({
        T: stored!.T,
        step: steps[0],
        scale: "experiment",
        scaleRun: "b",
        scaleStep: 2,
      });
      const lines = await readResultLines(root, run);
      for (const step of steps) {
        const line = lines.find((l) => l.step === step)!;
        const exact = await exactAt(root, run, "fc1", step, stored!.T as number);
        expect(line.curve!.t.at(-1)).toBe(stored!.T);
        expect(rel(line.metrics.area as number, exact.magAreaScaled)).toBeLessThan(1e-10);
        expect(rel(line.metrics.mag_T as number, exact.magnitude.at(-1)!)).toBeLessThan(1e-10);
      }
    }
    expect(out.stderr).toContain("experiment T");
  });

  it("ties in start time are broken by run id", async () => {
    const root = await store({
      runs: {
        r2: { layers: { fc1: [0] }, startTime: T0 },
        r1: { layers: { fc1: [5] }, startTime: T0 },
      },
    });
    expect((await cli(["sync", "--root", root, ...EXACT])).code).toBe(0);
    const [stored] = await experimentScales(root);
    expect(stored).toMatchObject({ run: "r1", step: 5 });
    expect(rel(stored!.T as number, await exactTConv(root, "r1", "fc1", 5))).toBeLessThan(1e-9);
  });

  it("--reference-step N: T is t_conv at step N of the earliest-started run that has it", async () => {
    const root = await store({
      runs: {
        first: { layers: { fc1: [0, 5] }, startTime: T0 },
        second: { layers: { fc1: [0, 5] }, startTime: T0 + DAY },
      },
    });
    expect((await cli(["sync", "--root", root, ...EXACT, "--reference-step", "5"])).code).toBe(0);
    const [stored] = await experimentScales(root);
    expect(stored).toMatchObject({ run: "first", step: 5, settings: { "magtrack.reference_step": "5" } });
    expect(rel(stored!.T as number, await exactTConv(root, "first", "fc1", 5))).toBeLessThan(1e-9);
    expect(rel(stored!.T as number, await exactTConv(root, "first", "fc1", 0))).toBeGreaterThan(1e-3);
    expect((await references(root, "second")).fc1).toMatchObject({ T: stored!.T, step: 5, scaleStep: 5 });
  });

  it("a re-sync after adding runs (one started earlier than all) uses the stored T", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0, 1] }, startTime: T0 + DAY } } });
    expect((await cli(["sync", "--root", root, ...EXACT])).code).toBe(0);
    const before = await readFile(join(root, ".magtrack", "scale", (await scaleFile(root))!), "utf8");
    const T = JSON.parse(before).T as number;
    // A run that started before "a" arrives later: T stays what was stored first.
    await writeStep(
      root,
      "early",
      "fc1",
      0,
      stepCloud(99, 40, 4, 0).map((v) => 3 * v),
      40,
      4,
    );
    await writeFileJson(join(root, "early", "run.json"), { status: "finished", startTime: T0 });
    expect((await cli(["sync", "--root", root, ...EXACT])).code).toBe(0);
    expect(await readFile(join(root, ".magtrack", "scale", (await scaleFile(root))!), "utf8")).toBe(before);
    const early = (await references(root, "early")).fc1!;
    expect(early).toMatchObject({ T, scale: "experiment", scaleRun: "a" });
    // Its own t_conv (3× wider cloud ⇒ t_conv / 3) is not what it was computed on.
    expect(rel(await exactTConv(root, "early", "fc1", 0), T)).toBeGreaterThan(0.5);
    const [line] = await readResultLines(root, "early");
    const exact = await exactAt(root, "early", "fc1", 0, T);
    expect(rel(line!.metrics.area as number, exact.magAreaScaled)).toBeLessThan(1e-10);
  });

  it("runs that already hold a per-run T keep it, for old and new steps; only new layers take the experiment's T", async () => {
    const root = await store({
      runs: {
        a: { layers: { fc1: [0, 1] }, startTime: T0 },
        b: { layers: { fc1: [0] }, startTime: T0 + DAY },
      },
    });
    expect((await cli(["sync", "--root", root, "--scale", "run", ...EXACT])).code).toBe(0);
    const refsA = await readFile(join(root, "a", "magnitude", "references.json"), "utf8");
    const refsB = await readFile(join(root, "b", "magnitude", "references.json"), "utf8");
    const ownB = JSON.parse(refsB).fc1.T as number;
    expect(JSON.parse(refsB).fc1.scale).toBe("run");
    expect(rel(ownB, await exactTConv(root, "b", "fc1", 0))).toBeLessThan(1e-9);

    // New steps of b, a new layer of b, a new run c: synced with the default (--scale experiment).
    await writeStep(root, "b", "fc1", 7, stepCloud(50, 40, 4, 7), 40, 4);
    await writeStep(root, "b", "fc2", 0, stepCloud(51, 40, 4, 0), 40, 4);
    await writeStep(root, "c", "fc1", 0, stepCloud(52, 40, 4, 0), 40, 4);
    await writeFileJson(join(root, "c", "run.json"), { status: "finished", startTime: T0 + 2 * DAY });
    expect((await cli(["sync", "--root", root, ...EXACT])).code).toBe(0);

    expect(await readFile(join(root, "a", "magnitude", "references.json"), "utf8")).toBe(refsA);
    const newRefsB = await references(root, "b");
    expect(newRefsB.fc1).toEqual(JSON.parse(refsB).fc1); // unchanged, still its own T
    const line7 = (await readResultLines(root, "b")).find((l) => l.layer === "fc1" && l.step === 7)!;
    expect(line7.curve!.t.at(-1)).toBe(ownB);
    expect(
      rel(line7.metrics.area as number, (await exactAt(root, "b", "fc1", 7, ownB)).magAreaScaled),
    ).toBeLessThan(1e-10);
    // The new layer and the new run: the experiment's T, from the earliest-started run "a".
    const scales = await experimentScales(root);
    const fc1 = scales.find((s) => s.layer === "fc1")!;
    const fc2 = scales.find((s) => s.layer === "fc2")!;
    expect(fc1).toMatchObject({ run: "a", step: 0 });
    expect(rel(fc1.T as number, await exactTConv(root, "a", "fc1", 0))).toBeLessThan(1e-9);
    expect(fc2).toMatchObject({ run: "b", step: 0 }); // only b has fc2
    expect((await references(root, "c")).fc1).toMatchObject({ T: fc1.T, scale: "experiment" });
    expect(newRefsB.fc2).toMatchObject({ T: fc2.T, scale: "experiment", scaleRun: "b" });
  });

  it("refuses a layer whose experiment T was fixed under other settings, naming both", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0] }, startTime: T0 } } });
    expect((await cli(["sync", "--root", root, ...EXACT])).code).toBe(0);
    await writeStep(root, "b", "fc1", 0, stepCloud(60, 40, 4, 0), 40, 4);
    await writeFileJson(join(root, "b", "run.json"), { status: "finished", startTime: T0 + DAY });
    const out = await cli(["sync", "--root", root, ...EXACT, "--metric", "cosine", "--json"]);
    expect(out.code).toBe(1);
    expect(out.stdout).toContain("EXPERIMENT_SCALE_SETTINGS");
    expect(out.stdout).toContain("--metric: stored euclidean, requested cosine");
    expect(await readResultLines(root, "b")).toEqual([]);
  });

  it("--scale run keeps no experiment state; --t-max beside --scale is a usage error", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0] } } } });
    expect((await cli(["sync", "--root", root, "--scale", "run", "--workers", "1"])).code).toBe(0);
    await expect(experimentScales(root)).rejects.toThrow(/ENOENT/);
    const bad = await cli(["sync", "--root", root, "--scale", "experiment", "--t-max", "2"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--t-max pins T");
  });

  it("--t-max records the pinned scale and keeps no experiment state", async () => {
    const root = await store({ runs: { a: { layers: { fc1: [0] } } } });
    expect((await cli(["sync", "--root", root, "--t-max", "2.5", "--workers", "1"])).code).toBe(0);
    expect((await references(root, "a")).fc1).toMatchObject({ T: 2.5, scale: "pinned" });
    await expect(experimentScales(root)).rejects.toThrow(/ENOENT/);
  });
});

async function scaleFile(root: string): Promise<string | undefined> {
  return (await readdir(join(root, ".magtrack", "scale"))).find((f) => f.endsWith(".json"));
}

async function writeFileJson(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, JSON.stringify(value));
}
