/**
 * The demo store is read by the rest of magtrack: the local adapter finds every run and every
 * (layer, step) file, and the project's activation reader parses each file as n_probe × width.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { ActivationRef, RunRef } from "../../src/adapter-kit.js";
import { generateDemoStore } from "../../src/demo/generate.js";
import { parseActivation } from "../../src/io/activation.js";

const WIDTHS: Record<string, number> = { hidden1: 64, hidden2: 64, logits: 4 };
let scratch: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "magtrack-demo-consumable-"));
  await generateDemoStore(scratch, {
    epochs: 2,
    runs: [
      { name: "a", learningRate: 0.1 },
      { name: "b", learningRate: 0.1, labelNoise: 0.2 },
    ],
  });
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

describe("demo store through the local adapter and the .npy reader", () => {
  it("lists both runs as finished with the synthetic start times, 3 layers × 3 steps and one weight window each", async () => {
    const adapter = createLocalAdapter({ root: scratch });
    const runs: RunRef[] = [];
    for await (const run of adapter.listRuns({})) runs.push(run);
    runs.sort((x, y) => x.id.localeCompare(y.id));
    expect(runs.map((r) => [r.id, r.status, r.startTime])).toEqual([
      ["a", "finished", Date.UTC(2024, 0, 1)],
      ["b", "finished", Date.UTC(2024, 0, 1, 0, 10)],
    ]);
    for (const run of runs) {
      const refs: ActivationRef[] = [];
      for await (const ref of adapter.listActivations(run)) refs.push(ref);
      // Weight windows (src/demo/weight-windows.ts) are listed as family "trajectory": epoch 2 only.
      const windows = refs.filter((r) => r.family === "trajectory");
      expect(windows.map((r) => `${r.layer}@${r.step}`)).toEqual(["all@2"]);
      const window = parseActivation(await adapter.readActivation(windows[0]!), {
        format: "npy",
        source: windows[0]!.path,
      });
      expect([window.n, window.d]).toEqual([16, 4996]);
      refs.splice(0, refs.length, ...refs.filter((r) => r.family !== "trajectory"));
      const keys = refs.map((r) => `${r.layer}@${r.step}`).sort();
      expect(keys).toEqual(
        ["hidden1", "hidden2", "logits"]
          .flatMap((layer) => [0, 1, 2].map((step) => `${layer}@${step}`))
          .sort(),
      );
      for (const ref of refs) {
        const cloud = parseActivation(await adapter.readActivation(ref), { format: "npy", source: ref.path });
        expect([cloud.n, cloud.d]).toEqual([200, WIDTHS[ref.layer]]);
      }
    }
  });
});
