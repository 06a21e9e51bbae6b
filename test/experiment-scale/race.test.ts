/**
 * Two shards racing on a new experiment end with one T (docs/scale.md "Storage and races"):
 *  - the local store's create-if-absent never replaces a stored value;
 *  - a resolver that loses the race adopts what the tracker holds (read back after writing);
 *  - two syncRuns in parallel (one per shard, each with its own adapter), and two CLI child
 *    processes started together, leave one scale file per layer and every run on that T.
 */
import { spawn } from "node:child_process";
import { readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createLocalAdapter } from "../../adapters/local/index.js";
import type { ExperimentScale } from "../../src/adapter-kit.js";
import { createSharedScales } from "../../src/experiment-scale/shared-scales.js";
import type { SyncEvent } from "../../src/sync/events.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../src/sync/settings.js";
import { inShard } from "../../src/sync/shard.js";
import { childStartMs, timeoutFor } from "../helpers/baseline.js";
import { builtCli } from "../helpers/built-cli.js";
import { makeStore } from "../helpers/store.js";
import { exactTConv, experimentScales, references, rel } from "./helpers.js";

const roots: string[] = [];
afterEach(async () => {
  for (const r of roots.splice(0)) await rm(r, { recursive: true, force: true });
});

/** Two syncs of six small runs in child processes: a budget of child CLI starts measured now. */
const CHILD_TIMEOUT = timeoutFor(await childStartMs(), 40);
const T0 = Date.UTC(2026, 10, 1);
const HOUR = 3_600_000;
const RUNS = ["r0", "r1", "r2", "r3", "r4", "r5"];

async function sixRuns(): Promise<string> {
  const runs: Record<string, { layers: Record<string, number[]>; startTime: number }> = {};
  // r3 started first: the reference run is neither the first by name nor the first listed.
  RUNS.forEach((id, i) => {
    runs[id] = { layers: { fc1: [0, 1], fc2: [0] }, startTime: id === "r3" ? T0 : T0 + (i + 1) * HOUR };
  });
  const root = await makeStore({ runs });
  roots.push(root);
  return root;
}

const shard = (index: number) => ({ index, count: 2 });
const settings = { ...DEFAULT_SETTINGS, mode: "exact" as const };
const record = settingsRecord(settings, "test");

/** Every run's fc1 and fc2 are on the single stored T of that layer, which is t_conv of r3's step 0. */
async function expectOneT(root: string): Promise<void> {
  const scales = await experimentScales(root);
  expect(scales.map((s) => s.layer).sort()).toEqual(["fc1", "fc2"]);
  for (const scale of scales) {
    expect(scale).toMatchObject({ run: "r3", step: 0 });
    const layer = scale.layer as string;
    expect(rel(scale.T as number, await exactTConv(root, "r3", layer, 0))).toBeLessThan(1e-9);
    for (const run of RUNS) expect((await references(root, run))[layer]).toMatchObject({ T: scale.T });
  }
  const leftovers = (await readdir(join(root, ".magtrack", "scale"))).filter((f) => f.endsWith(".tmp"));
  expect(leftovers).toEqual([]);
}

describe("racing on a new experiment", () => {
  it("the shard split used below gives both shards runs", () => {
    expect(RUNS.filter((r) => inShard(r, shard(0))).length).toBeGreaterThan(0);
    expect(RUNS.filter((r) => inShard(r, shard(1))).length).toBeGreaterThan(0);
  });

  it("the local store never replaces a stored experiment scale", async () => {
    const root = await sixRuns();
    const adapter = createLocalAdapter({ root });
    const first: ExperimentScale = { layer: "fc1", T: 2, run: "r0", step: 0, source: "x", settings: {} };
    await adapter.createExperimentScale!(first);
    await adapter.createExperimentScale!({ ...first, T: 3, run: "r1" });
    expect(await adapter.readExperimentScale!("fc1")).toEqual(first);
    expect(await adapter.readExperimentScale!("FC1")).toBeNull(); // another layer, even on a case-blind disk
  });

  it("a resolver whose write lost the race adopts the stored value and says so", async () => {
    const root = await sixRuns();
    const base = createLocalAdapter({ root });
    const racer: ExperimentScale = {
      layer: "fc1",
      T: 1.25,
      run: "r5",
      step: 1,
      source: "another shard",
      settings: { ...Object.fromEntries(Object.entries(record).filter(([k]) => k !== "magtrack.version")) },
    };
    // Between our read (nothing stored) and our create, another shard stores its value.
    const adapter = {
      ...base,
      createExperimentScale: async (scale: ExperimentScale) => {
        await base.createExperimentScale!(racer);
        await base.createExperimentScale!(scale);
      },
    };
    const events: SyncEvent[] = [];
    const shared = createSharedScales({
      adapter: adapter as typeof adapter & Required<Pick<typeof base, "readExperimentScale">>,
      settings,
      settingsRecord: record,
      maxFileBytes: 2 ** 30,
      emit: (e) => events.push(e),
    });
    expect(await shared.get("fc1")).toMatchObject({ T: 1.25, run: "r5" });
    expect(events).toContainEqual(
      expect.objectContaining({ type: "experiment-scale", origin: "adopted", T: 1.25 }),
    );
  });

  it("two syncRuns in parallel, one per shard, end with one T per layer", async () => {
    const root = await sixRuns();
    const sync = (index: number) =>
      syncRuns({
        adapter: createLocalAdapter({ root }),
        runFilter: {},
        settings,
        settingsRecord: record,
        acceptRun: (id) => inShard(id, shard(index)),
      });
    const [a, b] = await Promise.all([sync(0), sync(1)]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.runs + b.runs).toBe(RUNS.length);
    await expectOneT(root);
  });

  it(
    "two CLI processes started together (--shard 0/2 and 1/2) end with one T per layer",
    async () => {
      const root = await sixRuns();
      const run = (index: number) =>
        new Promise<number>((resolve, reject) => {
          const child = spawn(
            process.execPath,
            [
              ...builtCli(),
              "sync",
              "--root",
              root,
              "--shard",
              `${index}/2`,
              "--mode",
              "exact",
              "--workers",
              "1",
              "--lock-file",
              join(root, `.lock-${index}`),
            ],
            { stdio: "ignore", env: { ...process.env, NODE_OPTIONS: "" } },
          );
          child.on("error", reject);
          child.on("exit", (code) => resolve(code ?? -1));
        });
      expect(await Promise.all([run(0), run(1)])).toEqual([0, 0]);
      await expectOneT(root);
    },
    CHILD_TIMEOUT,
  );
});
