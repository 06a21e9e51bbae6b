/**
 * Issue 15, W&B delivery (docs/alerts.md): a rule that fires sends the official
 * notifyScriptableRunAlert once, its record lands in the run's config (magtrack.value.alerts), and
 * neither a re-sync nor another process (a fresh adapter: another shard or the next cron tick)
 * sends it again. A live run's alert is the training run's, recorded in its companion.
 */
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, parse, print, validate } from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALERT_WAIT_DURATION_MS, alertTitle } from "../../../adapters/wandb/alerts.js";
import { NOTIFY_SCRIPTABLE_RUN_ALERT } from "../../../adapters/wandb/documents.js";
import { type ExtendedJson, isJsonObject, parseObject } from "../../../adapters/wandb/extended-json.js";
import { parseAlertRules } from "../../../src/alerts/parse-rule.js";
import { encodeNpy } from "../../../src/io/npy-write.js";
import type { SyncEvent } from "../../../src/sync/events.js";
import { syncRuns } from "../../../src/sync/run-many.js";
import { DEFAULT_SETTINGS, settingsRecord } from "../../../src/sync/settings.js";
import { stepCloud } from "../../helpers/store.js";
import { FAKE_WANDB_SDL } from "./fake-schema.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake } from "./harness.js";

const N = 30;
const D = 3;
const RULE = "magnitude/fc1/n_distinct >= 2"; // holds at the first step (30 distinct rows)
const OFFICIAL = readFileSync(
  resolve(import.meta.dirname, "../../fixtures/wandb/mutation_alert.graphql"),
  "utf8",
);

const SHARED = resolve(
  import.meta.dirname,
  "../../../../shared/contracts/wandb/core-operations/mutation_alert.graphql",
);
if (!existsSync(SHARED))
  console.warn(`SKIPPED: fixture-vs-contract check — ${SHARED} not found (needs ../shared)`);

let fake: FakeWandbServer;
let run: FakeRun;

const activations = (name: string) => [
  {
    type: "activations",
    sequence: `${name}-acts`,
    files: Object.fromEntries(
      [0, 5].map((s) => [`fc1/step_${s}.npy`, encodeNpy(stepCloud(7, N, D, s), [N, D])]),
    ),
  },
];

beforeEach(async () => {
  fake = await startFake();
  run = fake.addRun({
    name: "trained",
    config: '{"lr":{"desc":null,"value":0.001}}',
    artifacts: activations("trained"),
  });
});
afterEach(() => fake.stop());

async function sync(extra: Parameters<typeof adapterFor>[1] = {}) {
  const events: SyncEvent[] = [];
  const summary = await syncRuns({
    adapter: adapterFor(fake, extra),
    runFilter: {},
    settings: DEFAULT_SETTINGS,
    settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
    alertRules: parseAlertRules([RULE]),
    emit: (e) => events.push(e),
  });
  return { summary, alerts: events.filter((e) => e.type === "alert") };
}

function recordedAlerts(config: string): Record<string, ExtendedJson> {
  const entry = parseObject(config, "config").magtrack;
  const value = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  return isJsonObject(value.alerts) ? value.alerts : {};
}

describe("the alert mutation", () => {
  it("the official operation (test/fixtures/wandb/mutation_alert.graphql) validates against the fake's schema", () => {
    expect(validate(buildSchema(FAKE_WANDB_SDL), parse(OFFICIAL))).toEqual([]);
    // the adapter sends that operation itself (whitespace aside); the contract test checks it
    // against ../shared too
    expect(print(parse(NOTIFY_SCRIPTABLE_RUN_ALERT))).toBe(print(parse(OFFICIAL)));
  });

  it.skipIf(!existsSync(SHARED))("the fixture is the contract's operation, byte for byte", () => {
    expect(OFFICIAL).toBe(readFileSync(SHARED, "utf8"));
  });

  it("the fake refuses a waitDuration that is not integer milliseconds, and an unknown severity", async () => {
    const { createWandbApi } = await import("../../../adapters/wandb/api.js");
    const { createHttpClient } = await import("../../../src/adapter-kit.js");
    const { TEST_KEY } = await import("./harness.js");
    const api = createWandbApi(
      createHttpClient({
        baseUrl: fake.baseUrl,
        service: "W&B",
        auth: { type: "basic", username: "api", password: TEST_KEY },
        retry: { maxRetries: 0 },
      }),
      [TEST_KEY],
    );
    const vars = { entityName: "team", projectName: "proj", runName: "trained", title: "t", text: "x" };
    await expect(api.graphql(OFFICIAL, { ...vars, waitDuration: "60s" })).rejects.toThrow(/Duration/);
    await expect(api.graphql(OFFICIAL, { ...vars, waitDuration: 1.5 })).rejects.toThrow(/Duration/);
    await expect(api.graphql(OFFICIAL, { ...vars, severity: "FATAL" })).rejects.toThrow(/AlertSeverity/);
    expect(fake.alerts).toEqual([]);
  });
});

describe("sync --alert on W&B", () => {
  it("sends notifyScriptableRunAlert once; a re-sync and another process send nothing", async () => {
    const first = await sync();
    expect(first.summary).toMatchObject({ failed: 0, stepsWritten: 2 });
    expect(first.alerts).toHaveLength(1);
    const alert = first.alerts[0]! as Extract<SyncEvent, { type: "alert" }>;
    expect(alert).toMatchObject({ run: "trained", key: "magnitude/fc1/n_distinct", step: 0, value: N });
    expect(fake.alerts).toHaveLength(1);
    const sent = fake.alerts[0]!;
    expect(sent).toMatchObject({
      entity: "team",
      project: "proj",
      run: "trained",
      severity: "WARN",
      waitDuration: ALERT_WAIT_DURATION_MS,
    });
    expect(sent.title).toBe(alertTitle(alert));
    expect(sent.title.length).toBeLessThan(64);
    expect(sent.title).toContain(alert.id.slice(0, 8));
    expect(sent.text).toContain(RULE);
    expect(sent.text).toContain("step 0");
    // the record: magtrack.value.alerts.<id> in the run's config; the user's key is untouched
    const stored = recordedAlerts(run.config);
    expect(Object.keys(stored)).toEqual([alert.id]);
    expect(parseObject(run.config, "config").lr).toEqual({ desc: null, value: 0.001 });

    // the same adapter's re-sync (the run is up to date) and a fresh process that reads every run
    // (fullCheck: state read, rules evaluated, the record found) both send nothing
    const again = await sync();
    const other = await sync({ fullCheck: true });
    expect(again.alerts).toEqual([]);
    expect(other.alerts).toEqual([]);
    expect(other.summary).toMatchObject({ failed: 0 });
    expect(fake.alerts).toHaveLength(1);

    // the record is what stops it: without it (a sync killed after the mutation, before the
    // record: the documented bound) the next sync sends it once more
    const config = parseObject(run.config, "config");
    delete (config.magtrack as { value: Record<string, unknown> }).value.alerts;
    run.config = JSON.stringify(config);
    const resent = await sync({ fullCheck: true });
    expect(resent.alerts).toHaveLength(1);
    expect(fake.alerts).toHaveLength(2);
  });

  it("a later write session keeps the record (the config merge copies magtrack.value.alerts)", async () => {
    await sync();
    const id = Object.keys(recordedAlerts(run.config))[0]!;
    // a new step arrives: the run is written again
    run.artifacts.push({
      id: "art-2",
      type: "activations",
      sequence: "trained-acts",
      versionIndex: 1,
      state: "COMMITTED",
      files: new Map([["fc1/step_9.npy", encodeNpy(stepCloud(7, N, D, 9), [N, D])]]),
    });
    const later = await sync({ fullCheck: true });
    expect(later.summary).toMatchObject({ failed: 0, stepsWritten: 1 });
    expect(Object.keys(recordedAlerts(run.config))).toEqual([id]);
    expect(fake.alerts).toHaveLength(1);
  });

  it("a live run: the alert is the training run's, recorded in the companion; none again once it finished", async () => {
    const live = fake.addRun({ name: "b1x7k2q9", state: "running", artifacts: activations("b1x7k2q9") });
    run.state = "running"; // keep the first run out of this test's way: live too
    const first = await sync();
    expect(first.summary).toMatchObject({ failed: 0 });
    const liveAlerts = fake.alerts.filter((a) => a.run === "b1x7k2q9");
    expect(liveAlerts).toHaveLength(1);
    // the training run's config is the training process's: nothing of magtrack's in it
    expect(recordedAlerts(live.config)).toEqual({});
    expect(Object.keys(recordedAlerts(fake.run("b1x7k2q9-magtrack").config))).toHaveLength(1);

    live.state = "finished";
    const after = await sync({ fullCheck: true });
    expect(after.summary).toMatchObject({ failed: 0 });
    expect(after.alerts.filter((a) => a.type === "alert" && a.run === "b1x7k2q9")).toEqual([]);
    expect(fake.alerts.filter((a) => a.run === "b1x7k2q9")).toHaveLength(1);
  });
});
