/**
 * What a run holds after a sync, against the fake server (whose param immutability is from the real
 * 3.6 transcript, ../shared/fixtures/mlflow-3.6-real/rest-transcript.md §39): settings as params
 * (added once, never changed), tags, no mlflow.loggedArtifacts registration, the chart section
 * without diagnostic series (those go to magnitude/diagnostics.json), and read-back of all of it.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../../adapters/mlflow/index.js";
import type { ResultBatch, RunRef, StepResult } from "../../../src/adapter-kit.js";
import { FakeMlflowServer, type SeedRunInput } from "./fake-server.js";

let server: FakeMlflowServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const START = Date.UTC(2026, 0, 1);

async function setup(seed: Partial<SeedRunInput> = {}) {
  server = new FakeMlflowServer();
  server.seed([{ id: "run00", status: "finished", startTime: START, files: {}, ...seed }]);
  const url = await server.start();
  const adapter = createMlflowAdapter({
    trackingUri: url,
    experimentName: "magtrack-test",
    sleep: async () => {},
    warn: () => {},
  });
  const runs: RunRef[] = [];
  for await (const r of adapter.listRuns({})) runs.push(r);
  return { adapter, run: runs[0]!, server, url, stored: () => server!.runs.get("run00")! };
}

const curve = { t: [0, 1, 2], magnitude: [1, 1.5, 1.75] };
function result(step: number): StepResult {
  return {
    layer: "fc1",
    step,
    metrics: { area: 1 + step, dim: 0.5, n_points: 25, n_distinct: 24, error_bound: 1e-10 },
    curve,
  };
}
const SETTINGS = { "magtrack.q": "0.95", "magtrack.n_scales": "30", "magtrack.metric": "euclidean" };
function batch(results: StepResult[], all = results, settings = SETTINGS): ResultBatch {
  const ref = { layer: "fc1", T: 2, step: 0, source: "t_conv(q=0.95)@step 0" };
  return { newReferences: [ref], results, allResults: all, references: { fc1: ref }, charts: [], settings };
}
const paramBatches = (s: FakeMlflowServer) =>
  s.requestsTo("/api/2.0/mlflow/runs/log-batch").filter((r) => {
    const params = (r.body as { params?: unknown[] }).params;
    return params !== undefined && params.length > 0;
  });

describe("mlflow: what a run holds after a sync", () => {
  it("settings as params, tags, diagnostics in a table (not as charts), nothing registered", async () => {
    const { adapter, run, stored } = await setup();
    await adapter.writeResults!(run, batch([result(0), result(5)]));
    const r = stored();
    expect(Object.fromEntries(r.params)).toEqual(SETTINGS);
    expect([...r.tags.keys()].sort()).toEqual(["magtrack.reference.fc1", "magtrack.settings"]);
    expect(JSON.parse(r.tags.get("magtrack.settings")!)).toEqual(SETTINGS);
    // The chart section: only what people read.
    expect([...new Set(r.metrics.map((m) => m.key))].sort()).toEqual([
      "magnitude/fc1/area",
      "magnitude/fc1/dim",
    ]);
    const table = JSON.parse(r.artifacts.get("magnitude/diagnostics.json")!.toString());
    expect(table).toEqual({
      columns: ["layer", "step", "error_bound", "n_distinct", "n_points"],
      data: [
        ["fc1", 0, 1e-10, 24, 25],
        ["fc1", 5, 1e-10, 24, 25],
      ],
    });
    // Read back: the diagnostics come back with the steps, so charts of old steps keep them.
    const state = await adapter.readState(run);
    expect(state.written.map((w) => [w.step, w.metrics])).toEqual([
      [0, { area: 1, dim: 0.5, n_points: 25, n_distinct: 24, error_bound: 1e-10 }],
      [5, { area: 6, dim: 0.5, n_points: 25, n_distinct: 24, error_bound: 1e-10 }],
    ]);
  });

  it("a re-sync sends no params, and a later step leaves the params unchanged", async () => {
    const { adapter, run, server, stored } = await setup();
    await adapter.writeResults!(run, batch([result(0)]));
    expect(paramBatches(server)).toHaveLength(1);
    await adapter.writeResults!(run, batch([result(1)], [result(0), result(1)]));
    await adapter.writeResults!(run, batch([], [result(0), result(1)]));
    expect(paramBatches(server)).toHaveLength(1);
    expect(Object.fromEntries(stored().params)).toEqual(SETTINGS);
  });

  it("a run synced before params existed gets them once, with the values of its settings tag", async () => {
    const old = { "magtrack.q": "0.9", "magtrack.n_scales": "30" };
    const { adapter, run, server, stored } = await setup({
      tags: { "magtrack.settings": JSON.stringify(old) },
    });
    // Today's settings differ (q): the run's results were computed with q = 0.9, so that is the param.
    await adapter.writeResults!(run, batch([result(0)]));
    expect(Object.fromEntries(stored().params)).toEqual({ ...old, "magtrack.metric": "euclidean" });
    await adapter.writeResults!(run, batch([result(1)], [result(0), result(1)]));
    expect(paramBatches(server)).toHaveLength(1);
  });

  it("never touches a param the run already holds (the user's own of the same name): no 400", async () => {
    const { adapter, run, stored } = await setup({ params: { "magtrack.q": "user-value", lr: "0.001" } });
    await adapter.writeResults!(run, batch([result(0)]));
    expect(Object.fromEntries(stored().params)).toEqual({
      lr: "0.001",
      "magtrack.q": "user-value",
      "magtrack.n_scales": "30",
      "magtrack.metric": "euclidean",
    });
  });

  it("the fake refuses a changed param and stores nothing of that batch, as the real server (§39)", async () => {
    const { url, stored } = await setup({ params: { lr: "0.001" } });
    const res = await fetch(`${url}/api/2.0/mlflow/runs/log-batch`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        run_id: "run00",
        params: [{ key: "lr", value: "0.1" }],
        tags: [{ key: "x", value: "1" }],
      }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toMatch(
      /^Changing param values is not allowed/,
    );
    expect(stored().params.get("lr")).toBe("0.001");
    expect(stored().tags.has("x")).toBe(false);
  });

  it("an older run's diagnostic series is continued, never altered; others never get one", async () => {
    const { adapter, run, server, stored } = await setup();
    // Simulate a sync by an older magtrack: n_points already logged as a metric series at step 0.
    const runId = "run00";
    stored().metrics.push({ key: "magnitude/fc1/n_points", value: 25, timestamp: START, step: 0 });
    await adapter.writeResults!(run, batch([result(0), result(1)].slice(1), [result(0), result(1)]));
    const keys = new Set(stored().metrics.map((m) => m.key));
    expect(keys.has("magnitude/fc1/n_distinct")).toBe(false);
    expect(keys.has("magnitude/fc1/error_bound")).toBe(false);
    expect(
      stored()
        .metrics.filter((m) => m.key === "magnitude/fc1/n_points")
        .map((m) => [m.step, m.value]),
    ).toEqual([
      [0, 25],
      [1, 25],
    ]);
    expect(server.runs.get(runId)!.metrics.filter((m) => m.step === 0)).toHaveLength(1);
  });
});
