/**
 * Issue 17 acceptance: the W&B live view (docs/wandb-live.md). A simulated training process
 * (live-trainer.ts) writes its own run between syncs; three syncs during training go into the
 * companion run `<id>-magtrack`, then one after the run finishes writes the results into the
 * training run itself and marks the companion superseded.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createWandbApi } from "../../../adapters/wandb/api.js";
import {
  companionIdOf,
  createCompanion,
  MAX_COMPANION_ID,
  readCompanion,
} from "../../../adapters/wandb/companion.js";
import { type ExtendedJson, parseObject } from "../../../adapters/wandb/extended-json.js";
import { STEP_METRIC } from "../../../adapters/wandb/run-config.js";
import type { SessionContext } from "../../../adapters/wandb/write-session.js";
import { createHttpClient } from "../../../src/adapter-kit.js";
import { computeProfile } from "../../../src/core/profile.js";
import type { SyncEvent } from "../../../src/sync/events.js";
import { syncRuns } from "../../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../../src/sync/settings.js";
import { cli } from "../../helpers/cli.js";
import { expectCloseResults } from "../../helpers/close-results.js";
import { lockFile } from "../../ops/helpers/mlflow-ops.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake, TEST_KEY } from "./harness.js";
import { LIVE_D, LIVE_LAYERS, LIVE_N, liveCloud, SimulatedTrainer } from "./live-trainer.js";

type Json = Record<string, ExtendedJson>;
const TRAIN = "b1x7k2q9";
const COMPANION = `${TRAIN}-magtrack`;
const TRAIN_CONFIG = '{"lr":{"desc":null,"value":0.001},"seed":{"desc":null,"value":12345678901234567891}}';

let fake: FakeWandbServer;
let run: FakeRun;
let trainer: SimulatedTrainer;

beforeEach(async () => {
  fake = await startFake();
  run = fake.addRun({
    name: TRAIN,
    displayName: "bright-sun-7",
    group: "sweep-a",
    state: "running",
    config: TRAIN_CONFIG,
  });
  trainer = new SimulatedTrainer(fake, run);
});
afterEach(() => fake.stop());

async function sync(extra: Parameters<typeof adapterFor>[1] = {}) {
  const events: SyncEvent[] = [];
  const logAt = fake.log.length;
  const summary = await syncRuns({
    adapter: adapterFor(fake, extra),
    runFilter: {},
    settings: DEFAULT_SETTINGS,
    settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
    emit: (e) => events.push(e),
  });
  return { summary, events, requests: fake.log.length - logAt };
}

const rowsOf = (lines: readonly string[]) => lines.map((l) => parseObject(l, "history line"));
const magtrackRows = (r: FakeRun) => rowsOf(r.history).filter((row) => STEP_METRIC in row);
const magtrackValue = (r: FakeRun) =>
  (parseObject(r.config, "config").magtrack as { value: Json } | undefined)?.value;
const companions = () => fake.runs.filter((r) => r.name.endsWith("-magtrack"));

/** The training process's run is exactly what it wrote: lines, order, summary, config. */
function expectTrainingUntouched(): void {
  expect(run.history).toEqual(trainer.lines);
  expect(run.summary).toBe(trainer.summary);
  expect(run.config).toBe(TRAIN_CONFIG);
}

/** The companion holds each logged step once, with `_step` increasing. */
function expectCompanionSteps(steps: readonly number[]): FakeRun {
  expect(companions().map((r) => r.name)).toEqual([COMPANION]);
  const c = fake.run(COMPANION);
  const rows = rowsOf(c.history);
  expect(rows.map((r) => r[STEP_METRIC])).toEqual(steps);
  for (let i = 1; i < rows.length; i++)
    expect(rows[i]!._step as number).toBeGreaterThan(rows[i - 1]!._step as number);
  return c;
}

describe("W&B live view: a companion run while the training run trains", () => {
  it("three syncs during training, one after: the training lines stay as written, the companion holds every step once, the finished run gets the results once", async () => {
    await trainer.logStep();
    await trainer.logStep();
    const first = await sync();
    // stepsWritten counts (layer, step) results: two layers per step.
    expect(first.summary).toMatchObject({ runs: 1, ok: 1, deferred: 0, failed: 0, stepsWritten: 4 });
    expect(first.events.find((e) => e.type === "run-live")).toMatchObject({
      run: TRAIN,
      target: `W&B run team/proj/${COMPANION}`,
    });
    expectTrainingUntouched();
    expect(run.state).toBe("running");
    const c = expectCompanionSteps([0, 1]);
    // Same project and group, a name that says what it is, links both ways (config).
    expect(c.group).toBe("sweep-a");
    expect(c.displayName).toBe("bright-sun-7 · magtrack");
    expect(c.tags).toEqual(["magtrack-live"]);
    expect(magtrackValue(c)).toMatchObject({ companion_of: TRAIN, companion: { state: "live" } });
    expect(magtrackValue(c)?.pending).toBeUndefined();
    expect(c.state).toBe("finished");

    // The trainer goes on at its own offsets; magtrack never wrote there, so nothing collides.
    await trainer.logStep();
    await trainer.logStep();
    // A dry run plans what the live sync will do: the two new steps (both layers), against the companion.
    const before = fake.snapshot();
    const dry = await syncRuns({
      adapter: adapterFor(fake),
      runFilter: {},
      settings: DEFAULT_SETTINGS,
      settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
      dryRun: true,
    });
    expect(dry).toMatchObject({ stepsPlanned: 4, stepsWritten: 0 });
    expect(fake.snapshot()).toEqual(before);
    const second = await sync();
    // The companion is not listed as a run of its own.
    expect(second.summary).toMatchObject({ runs: 1, failed: 0, stepsWritten: 4 });
    expectTrainingUntouched();
    expectCompanionSteps([0, 1, 2, 3]);

    await trainer.logStep();
    const third = await sync();
    expect(third.summary).toMatchObject({ failed: 0, stepsWritten: 2 });
    expectTrainingUntouched();
    const live = expectCompanionSteps([0, 1, 2, 3, 4]);
    const liveHistory = [...live.history];

    // Numbers: the companion's values are the core's profile of the logged clouds, T fixed at step 0.
    for (const [l, layer] of LIVE_LAYERS.entries()) {
      const p0 = computeProfile({ data: liveCloud(l, 0), n: LIVE_N, d: LIVE_D });
      const p3 = computeProfile({ data: liveCloud(l, 3), n: LIVE_N, d: LIVE_D }, { tMax: p0.tConv! });
      const rows = rowsOf(live.history);
      // t_conv to its stated 1e-10 relative; the sync's search may start from a kept value (tconv-hints.ts).
      expectCloseResults(rows[0]![`magnitude/${layer}/t_conv`], p0.tConv!, 1e-10, `${layer} t_conv`);
      expectCloseResults(rows[3]![`magnitude/${layer}/area`], p3.magAreaScaled, 1e-9, `${layer} area`);
    }

    // The run finishes: the results land in it (as for any finished run), the companion is marked.
    await trainer.finish();
    expect(run.state).toBe("finished");
    const fourth = await sync();
    expect(fourth.summary).toMatchObject({ failed: 0, stepsWritten: 10 });
    expect(fourth.events.some((e) => e.type === "run-live")).toBe(false);
    expect(run.history.slice(0, trainer.lines.length)).toEqual(trainer.lines);
    const finalRows = magtrackRows(run);
    expect(finalRows.map((r) => r[STEP_METRIC])).toEqual([0, 1, 2, 3, 4]);
    expect(run.state).toBe("finished");
    expect(magtrackValue(run)).toMatchObject({ live_companion: COMPANION });
    expect(magtrackValue(run)?.pending).toBeUndefined();
    // The training run's own summary keys are kept.
    const summary = parseObject(run.summary, "summary");
    for (const [k, v] of Object.entries(parseObject(trainer.summary, "trainer summary")))
      expect(summary[k]).toEqual(v);

    // One companion, kept as the live record, marked superseded, its rows unchanged — and the
    // same values as the training run's (the same files under the same settings): no divergence
    // beyond 1e-9 relative (the finishing sync's solves start from other kept factors and t_conv values).
    const after = expectCompanionSteps([0, 1, 2, 3, 4]);
    expect(after.history).toEqual(liveHistory);
    expect(magtrackValue(after)).toMatchObject({
      companion_of: TRAIN,
      companion: { state: "superseded", results_in: TRAIN },
    });
    expect(after.tags).toEqual(["magtrack-live", "magtrack-superseded"]);
    const ours = (row: Json) =>
      Object.fromEntries(Object.entries(row).filter(([k]) => k.startsWith("magnitude/")));
    expectCloseResults(
      rowsOf(after.history).map(ours),
      finalRows.map(ours),
      1e-9,
      "companion vs training rows",
    );

    console.log(
      `W&B requests per sync: live ${first.requests}, ${second.requests}, ${third.requests}; after finish ${fourth.requests}`,
    );
    // A fifth sync writes nothing anywhere.
    const snapshot = fake.snapshot();
    const fifth = await sync();
    expect(fifth.summary).toMatchObject({ failed: 0, stepsWritten: 0 });
    expect(fake.snapshot()).toEqual(snapshot);
    expect(fake.historyOverwrites).toBe(0);
    expect(fake.signedWithAuth).toBe(0);
  });

  it("a crashed run (preempted, never resumed) gets its results in the companion, and stays untouched", async () => {
    await trainer.logStep();
    await trainer.logStep();
    fake.expireHeartbeats(); // the trainer died: W&B marks the run crashed
    expect(run.state).toBe("crashed");
    const first = await sync();
    expect(first.summary).toMatchObject({ failed: 0, stepsWritten: 4 });
    expectTrainingUntouched();
    expect(run.state).toBe("crashed");
    const c = expectCompanionSteps([0, 1]);
    expect(magtrackValue(c)).toMatchObject({ companion: { state: "live" } });
    const again = await sync();
    expect(again.summary).toMatchObject({ failed: 0, stepsWritten: 0 });
    expectCompanionSteps([0, 1]);
  });

  it("a companion left running (a cut session) is not written until W&B marks it crashed, then healed", async () => {
    await trainer.logStep();
    await sync();
    await trainer.logStep();
    // As a killed session leaves it (here without its pending marker: W&B's state alone).
    fake.run(COMPANION).state = "running";
    const busy = await sync();
    expect(busy.summary).toMatchObject({ failed: 1, stepsWritten: 0 });
    expect(busy.events.find((e) => e.type === "run-failed")).toMatchObject({ code: "WANDB_COMPANION_BUSY" });
    expectCompanionSteps([0]);
    fake.expireHeartbeats(); // the companion (and the trainer's run) stop heart-beating …
    await trainer.logStep(); // … and the trainer posts again: its run is running
    const healed = await sync();
    expect(healed.summary).toMatchObject({ failed: 0, stepsWritten: 4 });
    expectCompanionSteps([0, 1, 2]);
    expectTrainingUntouched();
  });

  it("--no-live (live: false) defers the running run and creates nothing", async () => {
    await trainer.logStep();
    const { summary } = await sync({ live: false });
    expect(summary).toMatchObject({ deferred: 1, stepsWritten: 0 });
    expect(companions()).toEqual([]);
    expectTrainingUntouched();
  });

  it("from the CLI: on by default; --no-live and MAGTRACK_LIVE=false defer the running run instead", async () => {
    await trainer.logStep();
    const args = ["sync", "--tracker", "wandb", "--entity", "team", "--project", "proj", "--json"];
    const env = { WANDB_API_KEY: TEST_KEY, WANDB_BASE_URL: fake.baseUrl };
    const types = (stdout: string) =>
      stdout
        .trim()
        .split("\n")
        .map((l) => (JSON.parse(l) as { type: string }).type);
    const off = await cli([...args, "--no-live", "--lock-file", await lockFile()], { env });
    expect(off.code, off.stderr).toBe(0);
    expect(types(off.stdout)).toContain("run-deferred");
    const offByEnv = await cli([...args, "--lock-file", await lockFile()], {
      env: { ...env, MAGTRACK_LIVE: "false" },
    });
    expect(offByEnv.code, offByEnv.stderr).toBe(0);
    expect(types(offByEnv.stdout)).toContain("run-deferred");
    expect(companions()).toEqual([]);
    const on = await cli([...args, "--lock-file", await lockFile()], { env });
    expect(on.code, on.stderr).toBe(0);
    expect(types(on.stdout)).toContain("run-live");
    expectCompanionSteps([0]);
    expectTrainingUntouched();
  });

  it("a run that holds the companion's id but is not magtrack's companion is never written", async () => {
    const squatter = fake.addRun({
      name: COMPANION,
      config: '{"mine":{"value":1}}',
      history: ['{"x":1,"_step":0}'],
    });
    await trainer.logStep();
    const { summary, events } = await sync();
    expect(summary).toMatchObject({ failed: 1, stepsWritten: 0 });
    const failed = events.find((e) => e.type === "run-failed");
    expect(failed).toMatchObject({ run: TRAIN, code: "WANDB_COMPANION_CONFLICT" });
    expect(squatter.config).toBe('{"mine":{"value":1}}');
    expect(squatter.history).toEqual(['{"x":1,"_step":0}']);
    expectTrainingUntouched();
  });

  it("creating the companion twice (two syncs that both found none) leaves one run, the same config", async () => {
    const http = createHttpClient({
      baseUrl: fake.baseUrl,
      service: "W&B",
      auth: { type: "basic", username: "api", password: TEST_KEY },
      sleep: async () => {},
    });
    const ctx = { api: createWandbApi(http, [TEST_KEY]), entity: "team", project: "proj" } as SessionContext;
    const ref = {
      id: TRAIN,
      displayName: "bright-sun-7",
      status: "running" as const,
      extra: { group: "sweep-a" },
    };
    expect(await readCompanion(ctx, TRAIN)).toBeNull();
    await createCompanion(ctx, ref);
    const once = { ...fake.run(COMPANION), files: undefined };
    await createCompanion(ctx, ref);
    expect(companions().map((r) => r.name)).toEqual([COMPANION]);
    const twice = fake.run(COMPANION);
    expect([twice.config, twice.group, twice.displayName, twice.tags, twice.state]).toEqual([
      once.config,
      once.group,
      once.displayName,
      once.tags,
      "finished",
    ]);
    const inserted = fake.log.filter((r) => r.operationName === "UpsertBucket").map((r) => r.variables?.name);
    expect(inserted).toEqual([COMPANION, COMPANION]);
    expect((await readCompanion(ctx, TRAIN))?.storageId).toBe(twice.storageId);
  });

  it("companion ids: <id>-magtrack, at most 64 characters, distinct for long ids that share a prefix", () => {
    expect(companionIdOf("abc123")).toBe("abc123-magtrack");
    const a = companionIdOf(`${"x".repeat(80)}a`);
    const b = companionIdOf(`${"x".repeat(80)}b`);
    expect(a.length).toBe(MAX_COMPANION_ID);
    expect(a).not.toBe(b);
    expect(a.endsWith("-magtrack")).toBe(true);
    expect(/[:;,#?/']/.test(a)).toBe(false);
    expect(companionIdOf(`${"x".repeat(80)}a`)).toBe(a);
  });
});
