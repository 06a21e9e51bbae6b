/**
 * W&B report reads (adapters/wandb/run-metrics.ts) against the fake server: a run's own metrics from
 * its history rows and its params from its config, in the shapes ../shared/TRACKERS.md and
 * test/fixtures/wandb/finished-run.json describe — history lines with `_step`, `_runtime`,
 * `_timestamp` (`wandb.log({...}, step=N)` sets `_step`), NaN as a bare token, media as dicts;
 * config entries {"desc": null, "value": …} beside the `_wandb` block. magtrack's own keys
 * (magnitude/…, magnitude/step) are no outcome and are left out; reading writes nothing.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { RunRef } from "../../../src/adapter-kit.js";
import type { FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";

let fake: FakeWandbServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

const row = (step: number, values: string) =>
  `{"_step": ${step}, "_runtime": ${step}.5, "_timestamp": ${1767225600 + step}${values}}`;

async function setup() {
  fake = await startFake();
  fake.addRun({
    name: "r1",
    history: [
      row(0, ', "loss": 2.5, "acc": 0.1, "phase": "warmup"'),
      row(1, ', "loss": NaN, "acc": 0.2, "image": {"_type": "image-file", "path": "media/x.png"}'),
      row(2, ', "loss": 1.25'),
      // a step far from the others: the history is read in _step windows (history-scan.ts)
      row(1500, ', "loss": 0.5, "acc": 0.9, "magnitude/fc/area": 3.0, "magnitude/step": 1500'),
    ],
    config: JSON.stringify({
      lr: { desc: null, value: 0.01 },
      layers: { desc: null, value: [64, 64] },
      optimizer: { desc: null, value: "adam" },
      magtrack: { value: { references: {} } },
      _wandb: { value: { t: { "1": [1] } } },
    }),
    summary: '{"_step": 1500, "loss": 0.5}',
  });
  const adapter = adapterFor(fake);
  const runs: RunRef[] = [];
  for await (const r of adapter.listRuns({})) runs.push(r);
  return { adapter, run: runs[0]! };
}

describe("wandb: a run's own metrics and params for the report", () => {
  it("reads numeric history values by _step, W&B's and magtrack's keys left out", async () => {
    const { adapter, run } = await setup();
    const before = JSON.stringify(fake!.snapshot());
    const metrics = await adapter.readRunMetrics!(run, () => true);
    expect(Object.keys(metrics).sort()).toEqual(["acc", "loss"]);
    expect(metrics.acc).toEqual([
      { step: 0, value: 0.1 },
      { step: 1, value: 0.2 },
      { step: 1500, value: 0.9 },
    ]);
    expect(metrics.loss!.map((p) => p.step)).toEqual([0, 1, 2, 1500]);
    expect(metrics.loss![1]!.value).toBeNaN(); // a bare NaN token is a number that is not finite
    expect(metrics.loss!.map((p) => p.value).filter(Number.isFinite)).toEqual([2.5, 1.25, 0.5]);
    // `keep` is asked before a key is collected
    expect(Object.keys(await adapter.readRunMetrics!(run, (k) => k === "acc"))).toEqual(["acc"]);
    expect(JSON.stringify(fake!.snapshot())).toBe(before);
  });

  it("reads config values as text, without _wandb and magtrack's own block", async () => {
    const { adapter, run } = await setup();
    expect(await adapter.readRunParams!(run)).toEqual({ lr: "0.01", layers: "[64,64]", optimizer: "adam" });
  });

  it("a run that is gone gives no metrics and no params (absence is a value)", async () => {
    const { adapter, run } = await setup();
    const gone = { ...run, id: "no-such-run" };
    expect(await adapter.readRunMetrics!(gone, () => true)).toEqual({});
    expect(await adapter.readRunParams!(gone)).toEqual({});
  });
});
