/**
 * Issue 15, "Alerts on running runs" on W&B with writes deferred (--no-live, docs/alerts.md
 * "Running runs"): a RUNNING run whose layer collapses is read and checked, and gets exactly one
 * notifyScriptableRunAlert — the official operation, its variables valid for the official variable
 * definitions — while none of its magnitude results is written (no history row, no summary key, no
 * config change, no companion); the alert's record is the run file magtrack-alerts.json
 * (adapters/wandb/alert-file.ts), never the config the training process rewrites. Once the run has finished (state set in the fake, as wandb-core's
 * `{"complete": true, "exitcode": 0}` leaves it), a second sync writes the results and sends no
 * second alert; a third sync sends and writes nothing.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { buildSchema, getVariableValues, type OperationDefinitionNode, parse, print } from "graphql";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALERT_FILE } from "../../../adapters/wandb/alert-file.js";
import { ALERT_WAIT_DURATION_MS } from "../../../adapters/wandb/alerts.js";
import { numberOf, parseObject } from "../../../adapters/wandb/extended-json.js";
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
/** The collapse rule of the issue: every probe row the same point from step 2 on → n_distinct = 1. */
const RULE = "magnitude/*/n_distinct < 2";
const STEPS = [0, 1, 2, 3];
const OFFICIAL = readFileSync(
  resolve(import.meta.dirname, "../../fixtures/wandb/mutation_alert.graphql"),
  "utf8",
);
const OFFICIAL_DOC = parse(OFFICIAL);
const OFFICIAL_OP = OFFICIAL_DOC.definitions[0] as OperationDefinitionNode;
const SCHEMA = buildSchema(FAKE_WANDB_SDL);
/** Requests that change a run (wandb-core's write paths; the alert mutation is counted apart). */
const WRITES = new Set(["UpsertBucket", "CreateRunFiles", "MarkRunFilesUploaded"]);

let fake: FakeWandbServer;
let run: FakeRun;

const cloud = (step: number) => (step >= 2 ? new Float64Array(N * D).fill(0.5) : stepCloud(7, N, D, step));

beforeEach(async () => {
  fake = await startFake();
  run = fake.addRun({
    name: "b1x7k2q9",
    state: "running",
    config: '{"lr":{"desc":null,"value":0.001}}',
    artifacts: [
      {
        type: "activations",
        sequence: "b1x7k2q9-acts",
        files: Object.fromEntries(STEPS.map((s) => [`fc1/step_${s}.npy`, encodeNpy(cloud(s), [N, D])])),
      },
    ],
  });
});
afterEach(() => fake.stop());

async function sync() {
  const events: SyncEvent[] = [];
  const from = fake.log.length;
  const summary = await syncRuns({
    adapter: adapterFor(fake, { live: false }),
    runFilter: {},
    settings: DEFAULT_SETTINGS,
    settingsRecord: settingsRecord(DEFAULT_SETTINGS, "test"),
    alertRules: parseAlertRules([RULE]),
    emit: (e) => events.push(e),
  });
  const requests = fake.log.slice(from);
  return {
    summary,
    events,
    alerts: events.filter((e) => e.type === "alert") as Extract<SyncEvent, { type: "alert" }>[],
    alertRequests: requests.filter((r) => r.operationName === OFFICIAL_OP.name!.value),
    writes: requests.filter(
      (r) => WRITES.has(r.operationName ?? "") || r.path.endsWith("/file_stream") || r.method === "PUT",
    ),
  };
}

/**
 * What the training process's own config upload leaves: wandb-core sends its whole in-memory config
 * with every upsert (core/internal/runupserter/runupserter.go lockedDoUpsert: config =
 * serializeConfig(), marked dirty by UpdateConfig, UpdateTelemetry, UpdateEnvironment and
 * UpdateMetrics, i.e. wandb.config.update and define_metric), and the fake's upsertBucket replaces
 * the stored config wholesale — so anything another writer put into it is gone.
 */
const TRAINER_CONFIG = '{"lr":{"desc":null,"value":0.001},"batch":{"desc":null,"value":64}}';

const magnitudeRows = (r: FakeRun) => r.history.filter((l) => l.includes('"magnitude/'));

describe("sync --alert --no-live on a running W&B run", () => {
  it("alerts once while it runs (nothing written); after it finished the results land and no alert repeats", async () => {
    const running = await sync();
    expect(running.summary).toMatchObject({ runs: 1, deferred: 1, failed: 0, stepsWritten: 0 });
    expect(running.events.map((e) => e.type)).toContain("run-deferred");

    // exactly one alert: the event, the server's record, the request
    expect(running.alerts).toHaveLength(1);
    expect(running.alerts[0]).toMatchObject({
      run: "b1x7k2q9",
      layer: "fc1",
      key: "magnitude/fc1/n_distinct",
      step: 2,
      value: 1,
      rule: RULE,
    });
    expect(fake.alerts).toHaveLength(1);
    expect(fake.alerts[0]).toMatchObject({
      run: "b1x7k2q9",
      severity: "WARN",
      waitDuration: ALERT_WAIT_DURATION_MS,
    });
    expect(running.alertRequests).toHaveLength(1);
    const sent = running.alertRequests[0]!;
    // the document is the official operation (whitespace aside) ...
    expect(print(parse(sent.query!))).toBe(print(OFFICIAL_DOC));
    // ... and the variables coerce under its variable definitions (names, types, non-null)
    const coerced = getVariableValues(SCHEMA, OFFICIAL_OP.variableDefinitions ?? [], sent.variables ?? {});
    expect(coerced.errors).toBeUndefined();
    const declared = (OFFICIAL_OP.variableDefinitions ?? []).map((v) => v.variable.name.value).sort();
    expect(Object.keys(sent.variables ?? {}).sort()).toEqual(declared);
    expect(sent.variables).toMatchObject({ entityName: "team", projectName: "proj", runName: "b1x7k2q9" });
    expect(Number.isSafeInteger(sent.variables!.waitDuration)).toBe(true); // Duration: int64 ms

    // nothing of the results while it runs: no row, no summary, no companion, no write session,
    // its config untouched (the training process's); the one file is the alert's record
    expect(magnitudeRows(run)).toEqual([]);
    expect(run.history).toEqual([]);
    expect(run.summary).toBe("{}");
    expect(run.config).toBe('{"lr":{"desc":null,"value":0.001}}');
    expect([...run.files.keys()]).toEqual([ALERT_FILE]);
    expect(fake.runs.map((r) => r.name)).toEqual(["b1x7k2q9"]);
    expect(
      running.writes.filter((r) => r.operationName === "UpsertBucket" || r.path.endsWith("/file_stream")),
    ).toEqual([]);
    expect(run.state).toBe("running");

    // the training process ends the run: {"complete": true, "exitcode": 0} → finished
    run.state = "finished";
    const finished = await sync();
    expect(finished.summary).toMatchObject({ runs: 1, deferred: 0, failed: 0, stepsWritten: STEPS.length });
    expect(finished.alerts).toEqual([]);
    expect(finished.alertRequests).toEqual([]);
    expect(fake.alerts).toHaveLength(1);
    const rows = magnitudeRows(run);
    expect(rows).toHaveLength(STEPS.length);
    // n_distinct as written (rows hold NaN for t_conv of a collapsed step: W&B's lenient JSON): 30 distinct rows at steps 0 and 1, one point at steps 2 and 3
    const nDistinct = rows.map((l) => numberOf(parseObject(l, "row")["magnitude/fc1/n_distinct"]));
    expect(nDistinct).toEqual([N, N, 1, 1]);
    expect(run.state).toBe("finished");

    const before = fake.snapshot();
    const idle = await sync();
    expect(idle.summary).toMatchObject({ runs: 1, failed: 0, stepsWritten: 0 });
    expect(idle.alerts).toEqual([]);
    expect(idle.alertRequests).toEqual([]);
    expect(idle.writes).toEqual([]);
    expect(fake.snapshot()).toEqual(before);
    expect(fake.alerts).toHaveLength(1);
  });

  it("the training process's own config uploads while it runs neither lose the record nor are overwritten: no second alert", async () => {
    const running = await sync();
    expect(running.alerts).toHaveLength(1);
    // magtrack wrote nothing into the running run's config: the training process owns it
    expect(run.config).toBe('{"lr":{"desc":null,"value":0.001}}');
    // the training process calls wandb.config.update(batch=64): its whole config is uploaded
    run.config = TRAINER_CONFIG;
    expect((await sync()).alerts).toEqual([]); // still running: nothing again
    expect(run.config).toBe(TRAINER_CONFIG);

    run.state = "finished";
    const finished = await sync();
    expect(finished.summary).toMatchObject({ failed: 0, stepsWritten: STEPS.length });
    expect(finished.alerts).toEqual([]);
    expect(fake.alerts).toHaveLength(1);
    expect(parseObject(run.config, "config").batch).toEqual({ desc: null, value: 64 });
  });
});
