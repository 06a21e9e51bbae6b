/**
 * --scale experiment against the W&B fake server (test/adapters/wandb/fake-server.ts, whose
 * upsertBucket / createRunFiles / RunFiles / filestream follow wandb-core's operations): the
 * project's scale run `magtrack-scale` holds magtrack-scale/<layer>.json = t_conv of the
 * earliest-started run's first step (checked against the exact engine); every run's reference
 * records it; two shards racing end with one T; a re-sync after adding runs uses the stored T; runs
 * that already hold a per-run T keep it; a foreign run named magtrack-scale is refused and untouched.
 */
import { afterEach, describe, expect, it } from "vitest";
import { SCALE_RUN_ID, scaleFileName } from "../../adapters/wandb/scale-run.js";
import type { LayerReference, RunRef } from "../../src/adapter-kit.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { inShard } from "../../src/sync/shard.js";
import type { FakeWandbServer } from "../adapters/wandb/fake-server.js";
import { adapterFor, startFake } from "../adapters/wandb/harness.js";
import { rel } from "./helpers.js";
import { cloud, D, exactTConv, HOUR, N, RECORD, SETTINGS, T0 } from "./tracker-runs.js";

let fake: FakeWandbServer | undefined;
afterEach(async () => {
  await fake?.stop();
  fake = undefined;
});

/** A finished run whose activations artifact holds fc1 at the given steps. */
function addRun(f: FakeWandbServer, name: string, seed: number, createdAt: number, steps = [0, 1]) {
  return f.addRun({
    name,
    createdAt,
    artifacts: [
      {
        type: "activations",
        sequence: `${name}-acts`,
        files: Object.fromEntries(steps.map((s) => [`fc1/step_${s}.npy`, encodeNpy(cloud(seed, s), [N, D])])),
      },
    ],
  });
}

const sync = (f: FakeWandbServer, extra: Partial<Parameters<typeof syncRuns>[0]> = {}) =>
  syncRuns({
    adapter: adapterFor(f, { live: false }),
    runFilter: {},
    settings: SETTINGS,
    settingsRecord: RECORD,
    ...extra,
  });

const storedScale = (f: FakeWandbServer) => {
  const file = f.run(SCALE_RUN_ID).files.get(scaleFileName("fc1"));
  return file === undefined ? undefined : JSON.parse(new TextDecoder().decode(file.bytes));
};

async function referenceOf(f: FakeWandbServer, id: string): Promise<LayerReference> {
  const adapter = adapterFor(f, { live: false });
  const ref: RunRef = { id, container: "team/proj", status: "finished" };
  return (await adapter.readState(ref)).references["fc1"]!;
}

describe("--scale experiment on W&B", () => {
  it("two shards racing on a new project end with one T, kept in the scale run's file", async () => {
    fake = await startFake();
    // "r2" started first; seeds differ per run, so per-run t_conv values differ.
    addRun(fake, "r0", 3, T0 + HOUR);
    addRun(fake, "r1", 4, T0 + 2 * HOUR);
    addRun(fake, "r2", 5, T0);
    addRun(fake, "r3", 6, T0 + 3 * HOUR);
    const shard = (i: number) => (id: string) => inShard(id, { index: i, count: 2 });
    const [a, b] = await Promise.all([
      sync(fake, { acceptRun: shard(0) }),
      sync(fake, { acceptRun: shard(1) }),
    ]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.runs + b.runs).toBe(4); // the scale run is not listed as a run to sync

    const scaleRun = fake.run(SCALE_RUN_ID);
    expect(scaleRun).toMatchObject({ state: "finished", group: "magtrack", jobType: "magtrack-scale" });
    expect(scaleRun.tags).toEqual(["magtrack-scale"]);
    expect(JSON.parse(scaleRun.config).magtrack.value.kind).toBe("scale");
    expect(scaleRun.history).toEqual([]);
    const stored = storedScale(fake);
    expect(stored).toMatchObject({ layer: "fc1", run: "r2", step: 0 });
    expect(rel(stored.T, exactTConv(5, 0))).toBeLessThan(1e-9);
    expect(rel(exactTConv(3, 0), stored.T)).toBeGreaterThan(1e-3); // another run's own T differs
    for (const id of ["r0", "r1", "r2", "r3"]) {
      expect(await referenceOf(fake, id)).toMatchObject({
        T: stored.T,
        scale: "experiment",
        scaleRun: "r2",
        scaleStep: 0,
      });
    }
  });

  it("a re-sync after adding runs uses the stored T; runs holding a per-run T keep it", async () => {
    fake = await startFake();
    addRun(fake, "old", 7, T0 + HOUR);
    expect((await sync(fake, { settings: { ...SETTINGS, scale: "run" } })).failed).toBe(0);
    const own = await referenceOf(fake, "old");
    expect(own).toMatchObject({ scale: "run" });
    expect(rel(own.T, exactTConv(7, 0))).toBeLessThan(1e-9);

    // The default sync: a run that started earlier than "old" fixes the experiment T; "old" keeps its own.
    addRun(fake, "new1", 8, T0 + HOUR / 2);
    expect((await sync(fake)).failed).toBe(0);
    const stored = storedScale(fake);
    expect(stored).toMatchObject({ run: "new1", step: 0 });
    expect(rel(stored.T, exactTConv(8, 0))).toBeLessThan(1e-9);
    expect(await referenceOf(fake, "old")).toEqual(own);
    expect(await referenceOf(fake, "new1")).toMatchObject({ T: stored.T, scale: "experiment" });

    // A run that started before every other arrives: the stored T holds, and its file is not rewritten.
    const before = fake.run(SCALE_RUN_ID).files.get(scaleFileName("fc1"))!;
    addRun(fake, "earliest", 9, T0);
    expect((await sync(fake)).failed).toBe(0);
    expect(fake.run(SCALE_RUN_ID).files.get(scaleFileName("fc1"))).toEqual(before);
    expect(await referenceOf(fake, "earliest")).toMatchObject({ T: stored.T, scaleRun: "new1" });
  });

  it("a run named magtrack-scale that is not magtrack's is refused and left as it was", async () => {
    fake = await startFake();
    addRun(fake, "r0", 3, T0);
    const foreign = fake.addRun({
      name: SCALE_RUN_ID,
      createdAt: T0 + HOUR,
      config: '{"lr": {"value": 0.1}}',
    });
    const before = JSON.stringify([foreign.config, [...foreign.files.keys()], foreign.history]);
    const summary = await sync(fake);
    expect(summary.failed).toBeGreaterThan(0);
    expect(JSON.stringify([foreign.config, [...foreign.files.keys()], foreign.history])).toBe(before);
  });
});
