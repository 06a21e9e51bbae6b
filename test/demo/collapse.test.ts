/**
 * Issue 15 acceptance on the demo: the run whose hidden2 dies at epoch 5 (src/demo/collapse.ts)
 * raises the collapse rule once per collapsed layer — hidden2, and the logits that only see its
 * constant output — and the healthy run none; a re-sync sends nothing.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLAPSE_DEMO_RUN, COLLAPSE_RULE } from "../../src/demo/collapse.js";
import { DEMO_RUNS } from "../../src/demo/demo-runs.js";
import { DEFAULT_DEMO_RUNS, generateDemoStore, SWEEP_DEMO_RUNS } from "../../src/demo/generate.js";
import { cli } from "../helpers/cli.js";
import { readResultLines } from "../helpers/store.js";

const EPOCHS = 6;
const healthy = DEFAULT_DEMO_RUNS[1]!; // lr-0.1: the same run without the fault
const dead = COLLAPSE_DEMO_RUN.name;
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), "magtrack-demo-collapse-"));
  await generateDemoStore(root, { epochs: EPOCHS, runs: [healthy, COLLAPSE_DEMO_RUN] });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const alertsOf = (stdout: string) =>
  stdout
    .split("\n")
    .filter((l) => l.startsWith("{"))
    .map((l) => JSON.parse(l))
    .filter((e) => e.type === "alert");

describe("the demo's collapsing run", () => {
  it("is the baseline up to the epoch its layer dies: identical activation files before, all-zero hidden2 after", async () => {
    const file = (run: string, layer: string, step: number) =>
      readFile(join(root, run, "activations", layer, `step_${step}.npy`));
    for (let step = 0; step < 5; step++) {
      expect((await file(dead, "hidden2", step)).equals(await file(healthy.name, "hidden2", step))).toBe(
        true,
      );
    }
    for (let step = 5; step <= EPOCHS; step++) {
      const bytes = await file(dead, "hidden2", step);
      // the payload after the .npy header: float32 zeros only
      const headerLen = 10 + bytes.readUInt16LE(8);
      expect(bytes.subarray(headerLen).every((b) => b === 0)).toBe(true);
    }
    expect(DEMO_RUNS).toEqual([...SWEEP_DEMO_RUNS, COLLAPSE_DEMO_RUN]);
  });

  it(`sync --alert "${COLLAPSE_RULE}": once for hidden2 and once for the logits of the dead run, none for the healthy one, nothing on re-sync`, async () => {
    const args = ["sync", "--root", root, "--json", "--workers", "1", "--alert", COLLAPSE_RULE];
    const first = await cli(args);
    expect(first.code).toBe(0);
    const fired = alertsOf(first.stdout).map((a) => [a.run, a.key, a.step, a.value]);
    expect(fired.sort()).toEqual([
      [dead, "magnitude/hidden2/n_distinct", 5, 1],
      [dead, "magnitude/logits/n_distinct", 5, 1],
    ]);
    // what was written agrees: hidden2 collapsed from step 5 on, never before; the healthy run never
    const lines = await readResultLines(root, dead);
    const hidden2 = lines.filter((l) => l.layer === "hidden2").sort((a, b) => a.step - b.step);
    expect(hidden2.map((l) => l.metrics.n_distinct === 1)).toEqual(
      Array.from({ length: EPOCHS + 1 }, (_, s) => s >= 5),
    );
    expect(hidden2.filter((l) => l.step >= 5).every((l) => l.metrics.collapsed === 1)).toBe(true);
    // activation results only (the demo also logs weight windows, family "trajectory" / "reptraj")
    const other = (await readResultLines(root, healthy.name)).filter((l) => !("family" in l));
    expect(other.length).toBe(3 * (EPOCHS + 1));
    expect(other.every((l) => (l.metrics.n_distinct as number) > 1)).toBe(true);

    const again = await cli(args);
    expect(again.code).toBe(0);
    expect(alertsOf(again.stdout)).toEqual([]);
  }, 60_000);
});
