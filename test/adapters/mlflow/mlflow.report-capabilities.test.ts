/**
 * MLflow report capabilities against the fake server: a run's own metric histories (get-history,
 * max_results always set) and params, and the report run (runs/create §6, runs/update §25 of
 * ../shared/fixtures/mlflow-3.6-real/rest-transcript.md): tagged magtrack.kind=report, no metrics,
 * skipped by listRuns, found and overwritten on a re-run, training runs untouched.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../../adapters/mlflow/index.js";
import type { RunRef } from "../../../src/adapter-kit.js";
import { FakeMlflowServer } from "./fake-server.js";

let server: FakeMlflowServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const START = Date.UTC(2026, 0, 1);

async function setup() {
  server = new FakeMlflowServer();
  server.seed([
    {
      id: "run00",
      status: "finished",
      startTime: START,
      files: {},
      params: { lr: "0.1", "magtrack.q": "0.95" },
    },
  ]);
  const stored = server.runs.get("run00")!;
  for (const [step, loss] of [
    [0, 2],
    [1, 1.5],
    [2, 1.2],
  ] as const) {
    stored.metrics.push({ key: "loss", value: loss, timestamp: START + step, step });
    stored.metrics.push({ key: "magnitude/fc1/area", value: 1 + step, timestamp: START + step, step });
  }
  // a step logged twice: the later timestamp is the stored value
  stored.metrics.push({ key: "loss", value: 1.1, timestamp: START + 10, step: 2 });
  const url = await server.start();
  const adapter = createMlflowAdapter({
    trackingUri: url,
    experimentName: "magtrack-test",
    sleep: async () => {},
    warn: () => {},
  });
  const runs: RunRef[] = [];
  for await (const r of adapter.listRuns({})) runs.push(r);
  return { adapter, run: runs[0]!, server };
}

const report = (body: string) => ({
  files: [
    { path: "index.html", contentType: "text/html", body },
    { path: "correlations.json", contentType: "application/json", body: '{"columns":[],"data":[]}' },
  ],
  entry: "index.html",
  summary: "verdict",
});

describe("mlflow: a run's own metrics and params", () => {
  it("reads the kept keys' full histories with max_results, one value per step", async () => {
    const { adapter, run, server } = await setup();
    const metrics = await adapter.readRunMetrics!(run, (k) => !k.startsWith("magnitude/"));
    expect(metrics).toEqual({
      loss: [
        { step: 0, value: 2 },
        { step: 1, value: 1.5 },
        { step: 2, value: 1.1 },
      ],
    });
    const calls = server.requestsTo("/api/2.0/mlflow/metrics/get-history");
    expect(calls.map((c) => c.query.metric_key)).toEqual(["loss"]);
    expect(calls.every((c) => c.query.max_results === "25000")).toBe(true);
  });

  it("reads params as stored", async () => {
    const { adapter, run } = await setup();
    expect(await adapter.readRunParams!(run)).toEqual({ lr: "0.1", "magtrack.q": "0.95" });
  });
});

describe("mlflow: the report run", () => {
  it("is created once, tagged, finished, without metrics; re-running overwrites its files", async () => {
    const { adapter, server } = await setup();
    const before = JSON.stringify(server.snapshot());
    const first = await adapter.writeExperimentReport!(report("<p>one</p>"));
    const reportRuns = [...server.runs.values()].filter((r) => r.tags.get("magtrack.kind") === "report");
    expect(reportRuns).toHaveLength(1);
    const rr = reportRuns[0]!;
    expect(rr.status).toBe("FINISHED");
    expect(rr.metrics).toEqual([]);
    expect(rr.artifacts.get("index.html")?.toString()).toBe("<p>one</p>");
    expect(JSON.parse(rr.tags.get("mlflow.loggedArtifacts")!)).toEqual([
      { path: "correlations.json", type: "table" },
    ]);
    expect(rr.tags.get("mlflow.note.content")).toBe("verdict");
    expect(first.location).toContain(`/runs/${rr.runId}`);

    const second = await adapter.writeExperimentReport!(report("<p>two</p>"));
    expect(second.location).toBe(first.location);
    expect([...server.runs.values()].filter((r) => r.tags.get("magtrack.kind") === "report")).toHaveLength(1);
    expect(rr.artifacts.get("index.html")?.toString()).toBe("<p>two</p>");
    expect(server.requestsTo("/api/2.0/mlflow/runs/create")).toHaveLength(1);

    // the training run is exactly as before
    const after = server.snapshot() as Record<string, unknown>;
    expect(JSON.stringify({ run00: after.run00 })).toBe(
      JSON.stringify({ run00: (JSON.parse(before) as Record<string, unknown>).run00 }),
    );
  });

  it("listRuns (what sync iterates) skips the report run", async () => {
    const { adapter } = await setup();
    await adapter.writeExperimentReport!(report("<p>r</p>"));
    const ids: string[] = [];
    for await (const r of adapter.listRuns({})) ids.push(r.id);
    expect(ids).toEqual(["run00"]);
  });
});
