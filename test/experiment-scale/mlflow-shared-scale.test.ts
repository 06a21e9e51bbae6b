/**
 * --scale experiment against the MLflow fake server (experiment tags as in service.proto
 * SetExperimentTag / GetExperiment, see fake-server.ts): the experiment tag magtrack.scale.<layer>
 * holds t_conv of the earliest-started run's first step (checked against the exact engine), every
 * run's reference tag records it, two shards racing end with one T, a re-sync after adding runs uses
 * the stored T, and runs that already hold a per-run T keep it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../adapters/mlflow/index.js";
import { computeProfile } from "../../src/core/profile.js";
import { encodeNpy } from "../../src/io/npy-write.js";
import { syncRuns } from "../../src/sync/run-many.js";
import { inShard } from "../../src/sync/shard.js";
import { FakeMlflowServer, type SeedRunInput } from "../adapters/mlflow/fake-server.js";
import { rel } from "./helpers.js";
import { cloud, D, exactTConv, HOUR, N, RECORD, SETTINGS, T0 } from "./tracker-runs.js";

let server: FakeMlflowServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

/** The run files holding the clouds of (seed, steps). */
function files(seed: number, steps: number[]): Record<string, Uint8Array> {
  return Object.fromEntries(
    steps.map((s) => [`activations/fc1/step_${s}.npy`, encodeNpy(cloud(seed, s), [N, D])]),
  );
}
const run = (id: string, seed: number, startTime: number, steps = [0, 1]): SeedRunInput => ({
  id,
  status: "finished",
  startTime,
  files: files(seed, steps),
});
const exactArea = (seed: number, step: number, T: number) =>
  computeProfile({ data: cloud(seed, step), n: N, d: D }, { mode: "exact", tMax: T }).magAreaScaled;

async function start(runs: SeedRunInput[]) {
  server = new FakeMlflowServer();
  server.seed(runs);
  return server.start();
}
const adapterFor = (url: string) =>
  createMlflowAdapter({
    trackingUri: url,
    experimentName: "magtrack-test",
    sleep: async () => {},
    warn: () => {},
  });
const sync = (url: string, extra: Partial<Parameters<typeof syncRuns>[0]> = {}) =>
  syncRuns({ adapter: adapterFor(url), runFilter: {}, settings: SETTINGS, settingsRecord: RECORD, ...extra });

const experimentTag = (s: FakeMlflowServer, key: string) => s.experimentTags.get("1")?.get(key);
const referenceOf = (s: FakeMlflowServer, id: string) =>
  JSON.parse(s.runs.get(id)!.tags.get("magtrack.reference.fc1")!) as Record<string, unknown>;
/** The last area value MLflow holds for (run, step). */
const areaOf = (s: FakeMlflowServer, id: string, step: number) =>
  s.runs
    .get(id)!
    .metrics.filter((m) => m.key === "magnitude/fc1/area" && m.step === step)
    .at(-1)!.value;

describe("--scale experiment on MLflow", () => {
  it("two shards racing on a new experiment end with one T: the earliest-started run's t_conv", async () => {
    // "r2" started first; seeds differ per run, so per-run t_conv values differ.
    const url = await start([
      run("r0", 3, T0 + HOUR),
      run("r1", 4, T0 + 2 * HOUR),
      run("r2", 5, T0),
      run("r3", 6, T0 + 3 * HOUR),
    ]);
    const shard = (i: number) => (id: string) => inShard(id, { index: i, count: 2 });
    const [a, b] = await Promise.all([
      sync(url, { acceptRun: shard(0) }),
      sync(url, { acceptRun: shard(1) }),
    ]);
    expect(a.failed + b.failed).toBe(0);
    expect(a.runs + b.runs).toBe(4);

    const stored = JSON.parse(experimentTag(server!, "magtrack.scale.fc1")!);
    expect(stored).toMatchObject({ layer: "fc1", run: "r2", step: 0 });
    expect(rel(stored.T, exactTConv(5, 0))).toBeLessThan(1e-9);
    expect(rel(exactTConv(3, 0), stored.T)).toBeGreaterThan(1e-3); // another run's own T differs
    // Whoever wrote the tag wrote the same bytes: the racers proposed one deterministic value.
    const writes = server!.requestsTo("/api/2.0/mlflow/experiments/set-experiment-tag");
    expect(writes.length).toBeGreaterThanOrEqual(1);
    expect(new Set(writes.map((w) => (w.body as { value: string }).value)).size).toBe(1);
    for (const [id, seed] of [
      ["r0", 3],
      ["r1", 4],
      ["r2", 5],
      ["r3", 6],
    ] as const) {
      expect(referenceOf(server!, id)).toMatchObject({
        T: stored.T,
        scale: "experiment",
        scaleRun: "r2",
        scaleStep: 0,
      });
      for (const step of [0, 1])
        expect(rel(areaOf(server!, id, step), exactArea(seed, step, stored.T))).toBeLessThan(1e-10);
    }
  });

  it("a re-sync after adding runs uses the stored T; runs holding a per-run T keep it", async () => {
    const url = await start([run("old", 7, T0 + HOUR)]);
    // First sync before scale modes mattered: the run gets its own T.
    expect((await sync(url, { settings: { ...SETTINGS, scale: "run" } })).failed).toBe(0);
    const ownT = referenceOf(server!, "old").T as number;
    expect(referenceOf(server!, "old")).toMatchObject({ scale: "run" });
    expect(rel(ownT, exactTConv(7, 0))).toBeLessThan(1e-9);
    const oldTag = server!.runs.get("old")!.tags.get("magtrack.reference.fc1");

    // The default sync: a run that started earlier than "old" (its files arrived late) fixes the
    // experiment T; "old" keeps its own.
    server!.seed([run("new1", 8, T0 + HOUR / 2)]);
    expect((await sync(url)).failed).toBe(0);
    const stored = JSON.parse(experimentTag(server!, "magtrack.scale.fc1")!);
    expect(stored).toMatchObject({ run: "new1", step: 0 });
    expect(rel(stored.T, exactTConv(8, 0))).toBeLessThan(1e-9);
    expect(rel(ownT, stored.T)).toBeGreaterThan(1e-3);
    expect(server!.runs.get("old")!.tags.get("magtrack.reference.fc1")).toBe(oldTag);
    expect(referenceOf(server!, "new1")).toMatchObject({ T: stored.T, scale: "experiment" });

    // A run that started before every other arrives, and "old" logs a new step: the stored T holds,
    // and "old"'s new step is computed on its own T.
    server!.seed([run("earliest", 9, T0)]);
    server!.runs
      .get("old")!
      .artifacts.set("activations/fc1/step_4.npy", Buffer.from(encodeNpy(cloud(7, 4), [N, D])));
    const tagWrites = server!.requestsTo("/api/2.0/mlflow/experiments/set-experiment-tag").length;
    expect((await sync(url)).failed).toBe(0);
    expect(server!.requestsTo("/api/2.0/mlflow/experiments/set-experiment-tag").length).toBe(tagWrites);
    expect(JSON.parse(experimentTag(server!, "magtrack.scale.fc1")!)).toEqual(stored);
    expect(referenceOf(server!, "earliest")).toMatchObject({ T: stored.T, scaleRun: "new1" });
    expect(rel(areaOf(server!, "earliest", 0), exactArea(9, 0, stored.T))).toBeLessThan(1e-10);
    expect(rel(areaOf(server!, "old", 4), exactArea(7, 4, ownT))).toBeLessThan(1e-10);
  });
});
