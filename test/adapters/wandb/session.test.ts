/**
 * Writing into someone's finished W&B run must be exactly as safe as the official client's resume:
 * after a sync and a re-sync every pre-existing history line, summary key and config key is
 * unchanged, magtrack's rows sit at the old line count onward with increasing `_step`, the run
 * is finished again, and nothing exists twice.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ALL_DOCUMENTS } from "../../../adapters/wandb/documents.js";
import { parseExtended, parseObject, sameJson } from "../../../adapters/wandb/extended-json.js";
import type { RunRef, TrackerAdapter } from "../../../src/adapter-kit.js";
import { batchOf, result } from "./batch.js";
import type { FakeRun, FakeWandbServer } from "./fake-server.js";
import { adapterFor, startFake, TEST_KEY } from "./harness.js";
import { FIXTURE, seedFinishedRun } from "./seed.js";

type Obj = Record<string, unknown>;
const obj = (text: string) => parseObject(text, "test") as Obj;
const wandbValue = (config: Obj) => (config._wandb as { value: Obj }).value;

let fake: FakeWandbServer;
let adapter: TrackerAdapter;
let run: FakeRun;

async function runRef(name = FIXTURE.name): Promise<RunRef> {
  for await (const r of adapter.listRuns({ runs: [name] })) return r;
  throw new Error(`run ${name} not listed`);
}

const fileStreamPosts = () => fake.log.filter((r) => r.path.endsWith("/file_stream"));

beforeEach(async () => {
  fake = await startFake();
  run = seedFinishedRun(fake);
  adapter = adapterFor(fake);
});
afterEach(async () => {
  await fake.stop();
});

describe("W&B: reading", () => {
  it("finds activations in run files and in `activations` artifacts (newest version wins), with md5 and size", async () => {
    const ref = await runRef();
    expect(ref.status).toBe("finished");
    expect(ref.displayName).toBe("resnet-sweep-7");
    expect(ref.tags).toEqual({ baseline: "true", "lr:0.01": "true" });
    const acts = [];
    for await (const a of adapter.listActivations(ref)) acts.push(a);
    expect(acts.map((a) => `${a.layer}@${a.step}`).sort()).toEqual(["fc1@0", "fc1@10", "fc2@0", "fc2@10"]);
    const fc2at10 = acts.find((a) => a.layer === "fc2" && a.step === 10)!;
    const text = new TextDecoder().decode(await adapter.readActivation(fc2at10));
    expect(text).toBe("fc2-v1-step-10-newer");
    expect(fc2at10.size).toBe("fc2-v1-step-10-newer".length);
    const { createHash } = await import("node:crypto");
    expect(fc2at10.digest).toBe(`md5:${createHash("md5").update(text).digest("base64")}`);
    const fc1at0 = acts.find((a) => a.layer === "fc1" && a.step === 0)!;
    expect(new TextDecoder().decode(await adapter.readActivation(fc1at0))).toBe("fc1-step-0-bytes");
    // Signed URLs never received the key; the fake refuses them when they do.
    expect(fake.signedWithAuth).toBe(0);
    expect(fake.log.filter((r) => r.path.startsWith("/signed/")).every((r) => !r.authorization)).toBe(true);
  });

  it("an expired signed URL is refreshed once (run files and artifacts alike)", async () => {
    const ref = await runRef();
    const acts = [];
    for await (const a of adapter.listActivations(ref)) acts.push(a);
    fake.expireSignedUrls();
    const texts = [];
    for (const a of acts) texts.push(new TextDecoder().decode(await adapter.readActivation(a)));
    expect(texts.sort()).toEqual([
      "fc1-step-0-bytes",
      "fc1-step-10-bytes-longer",
      "fc2-v0-step-0",
      "fc2-v1-step-10-newer",
    ]);
    expect(fake.signedWithAuth).toBe(0);
  });

  it("a file whose bytes differ from the listed md5 is refused", async () => {
    const ref = await runRef();
    const acts = [];
    for await (const a of adapter.listActivations(ref)) acts.push(a);
    const act = acts.find((a) => a.layer === "fc1" && a.step === 0)!;
    run.files.get("activations/fc1/step_0.npy")!.bytes = new TextEncoder().encode("fc1-step-0-BYTES");
    await expect(adapter.readActivation(act)).rejects.toMatchObject({ code: "WANDB_MD5_MISMATCH" });
  });

  it("sends the official filters JSONString and re-checks it locally", async () => {
    seedFinishedRun(fake, { name: "later", state: "running" });
    fake.run("later").createdAt = "2026-03-01T00:00:00";
    const got: string[] = [];
    for await (const r of adapter.listRuns({
      statuses: ["finished"],
      since: Date.UTC(2025, 11, 31),
      tags: { baseline: "true" },
    })) {
      got.push(r.id);
    }
    expect(got).toEqual([FIXTURE.name]);
    const sent = fake.log.find((r) => r.operationName === "Runs")!.variables!;
    expect(JSON.parse(String(sent.filters))).toEqual({
      $and: [
        { state: { $in: ["finished"] } },
        { tags: { $in: ["baseline"] } },
        { createdAt: { $gte: "2025-12-30T23:59:59" } },
      ],
    });
  });
});

describe("W&B: writing into a finished run", () => {
  it("appends at the old line count, keeps every existing line/summary/config key, and finishes the run", async () => {
    const before = { history: [...run.history], summary: obj(run.summary), config: obj(run.config) };
    const ref = await runRef();
    const results = [result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)];
    const report = await adapter.writeResults!(ref, batchOf(results));
    expect(report.metricsWritten).toBe(10);

    // History: old lines byte-identical, new ones at 5 and 6 with _step 5, 6 and the training step apart.
    expect(run.history.slice(0, 5)).toEqual(before.history);
    expect(run.history).toHaveLength(7);
    const rows = run.history.slice(5).map((l) => parseObject(l, "row"));
    expect(rows.map((r) => r._step)).toEqual([5, 6]);
    expect(rows.map((r) => r["magnitude/step"])).toEqual([0, 10]);
    expect(rows[0]!["magnitude/fc1/area"]).toBe(0.8125);
    expect(rows[1]!["magnitude/fc1/area"]).toBe(0.71875);
    expect(run.history[6]).toContain('"magnitude/fc1/diff_ref":NaN'); // a bare token, not null
    expect(fake.historyOverwrites).toBe(0);

    // Summary: every old key unchanged; magtrack's latest values and the table pointer added.
    const summary = obj(run.summary);
    for (const [k, v] of Object.entries(before.summary)) expect(sameJson(summary[k], v), k).toBe(true);
    expect(summary["magnitude/fc1/area"]).toBe(0.71875);
    expect(summary["magnitude/step"]).toBe(10);
    const pointer = summary["magnitude/fc1/curves_table"] as Obj;
    expect(pointer._type).toBe("table-file");
    const table = run.files.get(String(pointer.path))!;
    expect(table.uploaded).toBe(true);
    const tableJson = parseExtended(new TextDecoder().decode(table.bytes), "table") as {
      columns: string[];
      data: unknown[][];
    };
    expect(tableJson.columns).toEqual(["step", "t", "magnitude"]);
    expect(tableJson.data).toEqual([
      [0, 0, 1],
      [0, 2.25, 8.5],
      [0, 4.5, 31.25],
      [10, 0, 1],
      [10, 2.25, 18.5],
      [10, 4.5, 41.25],
    ]);
    expect(pointer.nrows).toBe(6);
    expect(pointer.size).toBe(table.bytes.byteLength);

    // Config: every other key and _wandb entry preserved; define_metric appended with the right index.
    const config = obj(run.config);
    for (const k of ["lr", "optimizer"]) expect(config[k]).toEqual(before.config[k]);
    const w = wandbValue(config);
    const w0 = wandbValue(before.config);
    for (const k of ["t", "viz", "python_version", "cli_version", "is_jupyter_run"])
      expect(w[k]).toEqual(w0[k]);
    expect(w.m).toEqual([
      ...(w0.m as unknown[]),
      { "1": "magnitude/step", "6": [3], "7": [] },
      { "2": "magnitude/*", "5": 3, "6": [1, 3], "7": [] },
    ]);
    const visualize = w.visualize as Obj;
    expect(visualize.roc).toEqual((w0.visualize as Obj).roc);
    const panel = visualize["magnitude/fc1/curves"] as { panel_type: string; panel_config: Obj };
    expect(panel.panel_type).toBe("Vega2");
    expect(JSON.stringify(panel.panel_config.userQuery)).toContain('"value":"magnitude/fc1/curves_table"');
    // magtrack's own chart, registered once with createCustomChart as wandb.Api().create_custom_chart does.
    const charts = fake.log.filter((r) => r.operationName === "CreateCustomChart");
    expect(charts).toHaveLength(1);
    const vars = charts[0]!.variables as Obj;
    expect(vars).toMatchObject({ entity: "team", chartType: "vega2", access: "PRIVATE" });
    expect(panel.panel_config.panelDefId).toBe(`team/${vars.chartName}`);
    expect(fake.customCharts.get(`team/${vars.chartName}`)?.spec).toBe(vars.spec);
    expect(panel.panel_config.fieldSettings).toEqual({ step: "step", t: "t", magnitude: "magnitude" });
    expect((panel.panel_config.stringSettings as Obj).title).toContain("magnitude/fc1/curves");
    expect((panel.panel_config.stringSettings as Obj).subtitle).toContain("all 2 steps");
    const magtrack = (config.magtrack as { value: Obj }).value;
    expect(magtrack.references).toEqual({ fc1: { T: 4.5, step: 0, source: "t_conv(q=0.95)@step 0" } });
    expect(magtrack.historyStart).toBe(5);
    expect(magtrack.pending).toBeUndefined();

    expect(run.state).toBe("finished");
    // The session ended with complete/exitcode 0, after the history and summary.
    const posts = fileStreamPosts().map((p) => JSON.parse(p.body!));
    expect(posts.at(-1)).toEqual({ complete: true, exitcode: 0 });
    expect(posts[0].files["wandb-history.jsonl"].offset).toBe(5);
    expect(run.files.get("output.log")!.uploaded).toBe(true);
  });

  it("registers its chart once per process; another process finds it registered (refused as existing) and uses its id", async () => {
    seedFinishedRun(fake, { name: "run-b" });
    const batch = batchOf([result("fc1", 0, 0.8125)]);
    await adapter.writeResults!(await runRef(), batch);
    await adapter.writeResults!(await runRef("run-b"), batch);
    const creates = () => fake.log.filter((r) => r.operationName === "CreateCustomChart").length;
    expect(creates()).toBe(1);
    const other = adapterFor(fake); // a second sync process: its first create is refused
    seedFinishedRun(fake, { name: "run-c" });
    adapter = other;
    await other.writeResults!(await runRef("run-c"), batch);
    expect(creates()).toBe(2);
    expect(fake.customCharts.size).toBe(1);
    const ids = ["run-b", "run-c"].map(
      (n) =>
        (
          (wandbValue(obj(fake.run(n).config)).visualize as Obj)["magnitude/fc1/curves"] as {
            panel_config: Obj;
          }
        ).panel_config.panelDefId,
    );
    expect(ids).toEqual([[...fake.customCharts.keys()][0], [...fake.customCharts.keys()][0]]);
    expect(fake.run("run-c").state).toBe("finished");
  });

  it("re-sync of the same results sends nothing; a new step lands after the last line with the next _step", async () => {
    const ref = await runRef();
    const first = [result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)];
    await adapter.writeResults!(ref, batchOf(first));
    const afterFirst = fake.snapshot();
    const postsAfterFirst = fileStreamPosts().length;

    const again = await adapter.writeResults!(ref, batchOf(first));
    expect(again).toEqual({ metricsWritten: 0, filesWritten: 0, skippedExisting: 2 });
    expect(fake.snapshot()).toEqual(afterFirst);
    expect(fileStreamPosts().length).toBe(postsAfterFirst);

    // A later sync: the pipeline holds only scalars for the old steps (no curves), plus one new step.
    const state = await adapter.readState(ref);
    expect(state.written.map((r) => `${r.layer}@${r.step}`).sort()).toEqual(["fc1@0", "fc1@10"]);
    expect(Number.isNaN(state.written.find((r) => r.step === 10)!.metrics.diff_ref)).toBe(true);
    expect(state.references.fc1?.T).toBe(4.5);
    expect(state.settings).toEqual({ "magtrack.q": "0.95", "magtrack.grid": "64" });
    const historyBefore = [...run.history];
    const next = result("fc1", 20, 0.5);
    await adapter.writeResults!(ref, batchOf([next], [...state.written, next], []));
    expect(run.history.slice(0, 7)).toEqual(historyBefore);
    expect(run.history).toHaveLength(8);
    expect(parseObject(run.history[7]!, "row")).toMatchObject({ _step: 7, "magnitude/step": 20 });
    const table = run.files.get(String((obj(run.summary)["magnitude/fc1/curves_table"] as Obj).path))!;
    const data = (parseExtended(new TextDecoder().decode(table.bytes), "t") as { data: unknown[][] }).data;
    expect(data.map((row) => row[0])).toEqual([0, 0, 0, 10, 10, 10, 20, 20, 20]); // old curves kept once
    expect(run.state).toBe("finished");
    // The define_metric entries and panels were not added twice.
    const w = wandbValue(obj(run.config));
    expect((w.m as unknown[]).length).toBe(4);
    expect(fake.historyOverwrites).toBe(0);
  });

  it("sends only the GraphQL documents checked against the official operations, never upserts by name, never sends the key to signed URLs", async () => {
    const ref = await runRef();
    for await (const a of adapter.listActivations(ref)) await adapter.readActivation(a);
    await adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.8125)]));
    await adapter.readState(ref);
    const documents = new Set(Object.values(ALL_DOCUMENTS));
    const graphqlRequests = fake.log.filter((r) => r.path === "/graphql");
    expect(graphqlRequests.length).toBeGreaterThan(5);
    for (const r of graphqlRequests) {
      expect(documents.has(r.query!), r.operationName).toBe(true);
      expect(r.authorization).toBe(true);
    }
    for (const r of graphqlRequests.filter((x) => x.operationName === "UpsertBucket")) {
      expect(r.variables).toHaveProperty("id", run.storageId);
      expect(r.variables).not.toHaveProperty("name");
    }
    const signed = fake.log.filter((r) => r.path.startsWith("/signed/"));
    expect(signed.some((r) => r.method === "PUT")).toBe(true);
    expect(signed.every((r) => !r.authorization)).toBe(true);
    expect(fake.signedWithAuth).toBe(0);
  });

  it("splits the history into several filestream posts at consecutive offsets", async () => {
    const small = adapterFor(fake, { linesPerPost: 2 });
    let ref: RunRef | undefined;
    for await (const r of small.listRuns({})) ref = r;
    const results = [0, 1, 2, 3, 4].map((s) => result("fc1", s, 0.5 + s / 8));
    await small.writeResults!(ref!, batchOf(results));
    const posts = fileStreamPosts().map((p) => JSON.parse(p.body!));
    expect(posts.map((p) => p.files?.["wandb-history.jsonl"]?.offset)).toEqual([5, 7, 9, undefined]);
    expect(posts.map((p) => p.files?.["wandb-history.jsonl"]?.content.length)).toEqual([2, 2, 1, undefined]);
    expect(posts.map((p) => "wandb-summary.json" in (p.files ?? {}))).toEqual([true, true, true, false]);
    expect(run.history.slice(5).map((l) => parseObject(l, "r")._step)).toEqual([5, 6, 7, 8, 9]);
    expect(fake.historyOverwrites).toBe(0);
  });

  it("defers a running run and refuses to write into it", async () => {
    run.state = "running";
    const ref = await runRef();
    expect(adapter.deferReason!(ref)).toMatch(/running/);
    await expect(adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.5)]))).rejects.toMatchObject({
      code: "WANDB_RUN_NOT_WRITABLE",
    });
    expect(fileStreamPosts()).toHaveLength(0);
    expect(run.history).toEqual(FIXTURE.history);
  });

  it("never creates a run: writing to a missing one fails before anything is sent", async () => {
    const ghost: RunRef = { id: "nosuchrun", status: "finished" };
    await expect(adapter.writeResults!(ghost, batchOf([result("fc1", 0, 0.5)]))).rejects.toMatchObject({
      code: "WANDB_RUN_MISSING",
    });
    expect(fake.runs.map((r) => r.name)).toEqual([FIXTURE.name]);
    expect(fake.log.some((r) => r.operationName === "UpsertBucket" || r.path.endsWith("file_stream"))).toBe(
      false,
    );
  });
});

describe("W&B: failures", () => {
  it("retries 429/5xx (Retry-After honoured) without duplicating a line", async () => {
    const ref = await runRef();
    fake.failNext(503, 2, { path: /file_stream$/ }, "1");
    fake.failNext(429, 1, { operationName: "UpsertBucket" }, "2");
    await adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)]));
    expect(run.history).toHaveLength(7);
    expect(run.state).toBe("finished");
    expect(fileStreamPosts().length).toBe(2 + 2); // one data post + complete, plus the two refused attempts
  });

  it("413 is not retried; the interrupted session is finished by the next sync without duplicates", async () => {
    const ref = await runRef();
    fake.failNext(413, 1, { path: /file_stream$/ });
    const results = [result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)];
    await expect(adapter.writeResults!(ref, batchOf(results))).rejects.toMatchObject({ status: 413 });
    // One history post (not retried), then the failed session is closed: `complete` returns the
    // run to finished and the pending marker is removed (session-cleanup.ts).
    expect(fileStreamPosts().map((p) => p.body)).toEqual([
      expect.stringContaining("wandb-history.jsonl"),
      '{"complete":true,"exitcode":0}',
    ]);
    expect(run.history).toEqual(FIXTURE.history);
    expect(run.state).toBe("finished");
    expect((obj(run.config).magtrack as { value: Obj }).value.pending).toBeUndefined();
    await adapter.writeResults!(ref, batchOf(results));
    expect(run.history).toHaveLength(7);
    expect(run.state).toBe("finished");
  });

  it("a crash between the history and `complete` leaves a crashed run that the next sync restores to finished", async () => {
    const ref = await runRef();
    // Every attempt of the complete post fails: the history went in, the run is left "running".
    fake.failNext(500, 100, { path: /file_stream$/, bodyIncludes: '"complete":true' });
    const results = [result("fc1", 0, 0.8125), result("fc1", 10, 0.71875)];
    await expect(adapter.writeResults!(ref, batchOf(results))).rejects.toMatchObject({ status: 500 });
    expect(run.history).toHaveLength(7);
    expect(run.state).toBe("running");
    expect(adapter.deferReason!(await runRef())).toMatch(/running/);
    fake.expireHeartbeats(); // W&B marks the silent run crashed
    fake.clearFaults();
    const crashed = await runRef();
    expect(crashed.status).toBe("crashed");
    expect(adapter.deferReason!(crashed)).toBeNull(); // magtrack's own pending session: finish it
    const report = await adapter.writeResults!(crashed, batchOf(results));
    expect(report.metricsWritten).toBe(0);
    expect(run.history).toHaveLength(7);
    expect(run.state).toBe("finished");
    expect((obj(run.config).magtrack as { value: Obj }).value.pending).toBeUndefined();
  });

  it("a run that crashed on its own is deferred, not turned into 'finished'", async () => {
    run.state = "crashed";
    const ref = await runRef();
    expect(adapter.deferReason!(ref)).toMatch(/crashed/);
    await expect(adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.5)]))).rejects.toMatchObject({
      code: "WANDB_RUN_NOT_WRITABLE",
    });
  });

  it("a failed run stays failed (exitcode 1)", async () => {
    run.state = "failed";
    const ref = await runRef();
    expect(adapter.deferReason!(ref)).toBeNull();
    await adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.5)]));
    expect(run.state).toBe("failed");
    expect(JSON.parse(fileStreamPosts().at(-1)!.body!)).toEqual({ complete: true, exitcode: 1 });
  });

  it("GraphQL errors surface as TrackerError naming the operation, without the key", async () => {
    fake.graphqlErrorNext("Runs", `permission denied for ${TEST_KEY}`);
    const list = async () => {
      for await (const _ of adapter.listRuns({})) void _;
    };
    const error = (await list().then(
      () => new Error("no error"),
      (e: unknown) => e,
    )) as Error & { code: string };
    expect(error).toMatchObject({ name: "TrackerError", code: "GRAPHQL_ERROR" });
    expect(error.message).toMatch(/Runs failed: permission denied/);
    expect(error.message).not.toContain(TEST_KEY);
  });

  it("a wrong key is an auth error (exit code 2 in the CLI) that does not echo the key", async () => {
    const wrong = adapterFor(fake, { apiKey: "wrong-key-abcdef0123456789" });
    const error = (await (async () => {
      for await (const _ of wrong.listRuns({})) void _;
    })().then(
      () => new Error("no error"),
      (e: unknown) => e,
    )) as Error & { kind: string };
    expect(error.kind).toBe("auth");
    expect(error.message).not.toContain("wrong-key-abcdef0123456789");
    expect(JSON.stringify(error)).not.toContain("wrong-key-abcdef0123456789");
  });

  it("a read-back that differs from what was written fails loudly", async () => {
    const ref = await runRef();
    fake.afterFileStream = (r) => {
      const s = obj(r.summary);
      delete s["val/acc"]; // a server that lost a key
      r.summary = JSON.stringify(s);
    };
    await expect(adapter.writeResults!(ref, batchOf([result("fc1", 0, 0.5)]))).rejects.toMatchObject({
      code: "WANDB_READBACK_MISMATCH",
      message: expect.stringMatching(/summary key val\/acc/),
    });
  });
});
