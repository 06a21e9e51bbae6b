/**
 * A layer's first step fixes its T before any other step of that layer is computed, but it does not
 * hold up the other layers: their reference steps go to the computer while it runs (before, every
 * layer waited for each reference step in turn and all but one worker sat idle at each run's start).
 * The computer here records when each compute starts and ends.
 */
import { rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../adapters/local/index.js";
import { computeProfile } from "../../src/core/profile.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import type { ProfileComputer } from "../../src/sync/step-result.js";
import { makeStore, readResultLines } from "../helpers/store.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/**
 * A computer that logs "start fc1#0" / "end fc1#0" (layer from ProfileOptions.sequence = run␀layer, #k the
 * k-th compute call). No compute ends before two have started, or 2 s have passed: so the order seen
 * does not depend on how fast this machine reads files (with the old pipeline the second reference step
 * only started after the first ended, 2 s later).
 */
function loggingComputer(log: string[]): ProfileComputer {
  let calls = 0;
  let open: () => void = () => {};
  const twoStarted = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    whenRoom: async () => {},
    compute: async (probe, options) => {
      const layer = (options.sequence ?? "").split("\u0000")[1];
      const id = `${layer}#${calls++}`;
      log.push(`start ${id}`);
      if (calls >= 2) open();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([twoStarted, new Promise((resolve) => (timer = setTimeout(resolve, 2000)))]);
      clearTimeout(timer);
      const profile = computeProfile(probe, options);
      log.push(`end ${id}`);
      return profile;
    },
  };
}

/** Run a with layers fc1 and fc2, steps 0, 1, 2 each (40 × 3 clouds). */
async function twoLayerStore(): Promise<string> {
  const root = await makeStore({ runs: { a: { layers: { fc1: [0, 1, 2], fc2: [0, 1, 2] } } }, n: 40, d: 3 });
  roots.push(root);
  return root;
}

function syncLogged(root: string, log: string[]) {
  const settings = { ...DEFAULT_SETTINGS, mode: "exact" as const };
  return syncRuns({
    adapter: createLocalAdapter({ root }),
    runFilter: {},
    settings,
    settingsRecord: settingsRecord(settings, "test"),
    computer: loggingComputer(log),
  });
}

describe("reference steps of different layers", () => {
  it("are computed at once; a layer's later steps still wait for its own T", async () => {
    const root = await twoLayerStore();
    const log: string[] = [];
    const summary = await syncLogged(root, log);
    expect(summary.stepsWritten).toBe(6);
    expect(summary.fileFailures).toBe(0);
    // each layer's calls in order: #0 of a layer is its reference step
    const first = (layer: string) => log.find((l) => l.startsWith("start") && l.includes(layer))!.slice(6);
    const ref1 = first("fc1");
    const ref2 = first("fc2");
    // both reference steps started before either ended
    const firstEnd = log.findIndex((l) => l.startsWith("end"));
    expect(log.indexOf(`start ${ref1}`)).toBeLessThan(firstEnd);
    expect(log.indexOf(`start ${ref2}`)).toBeLessThan(firstEnd);
    // no other step of a layer started before its reference step ended
    for (const [layer, ref] of [
      ["fc1", ref1],
      ["fc2", ref2],
    ] as const) {
      const refEnd = log.indexOf(`end ${ref}`);
      const others = log.filter((l) => l.startsWith("start") && l.includes(layer) && !l.endsWith(ref));
      expect(others).toHaveLength(2);
      for (const o of others) expect(log.indexOf(o)).toBeGreaterThan(refEnd);
    }
  });

  it("a layer whose reference file is broken fixes T at its next step; the other layer is not touched", async () => {
    const root = await twoLayerStore();
    await writeFile(join(root, "a", "activations", "fc1", "step_0.npy"), "not an npy file");
    const log: string[] = [];
    const summary = await syncLogged(root, log);
    expect(summary.stepsWritten).toBe(5);
    expect(summary.fileFailures).toBe(1);
    const lines = await readResultLines(root, "a");
    const steps = (layer: string) => lines.filter((l) => l.layer === layer).map((l) => l.step);
    expect(steps("fc1")).toEqual([1, 2]);
    expect(steps("fc2")).toEqual([0, 1, 2]);
    // diff_ref is 0 exactly at a layer's reference step (MagDiff against itself) and positive elsewhere
    const diff = (layer: string, step: number) =>
      lines.find((l) => l.layer === layer && l.step === step)!.metrics.diff_ref as number;
    expect(diff("fc1", 1)).toBe(0);
    expect(diff("fc1", 2)).toBeGreaterThan(0);
    expect(diff("fc2", 0)).toBe(0);
    expect(diff("fc2", 1)).toBeGreaterThan(0);
  });
});
