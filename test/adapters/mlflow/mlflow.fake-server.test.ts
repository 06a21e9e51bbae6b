/**
 * MLflow adapter against the stateful fake server: crash/retry safety, artifacts and the
 * loggedArtifacts tag, reference conflicts, layer-name sanitising, read-back checks.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../../adapters/mlflow/index.js";
import { fnv1a32 } from "../../../adapters/mlflow/keys.js";
import type { ResultBatch, RunRef, StepResult } from "../../../src/adapter-kit.js";
import { FakeMlflowServer, type SeedRunInput } from "./fake-server.js";

let server: FakeMlflowServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

const RUN: SeedRunInput = { id: "run00", status: "finished", startTime: Date.UTC(2026, 0, 1), files: {} };

async function setup(
  seed: Partial<SeedRunInput> = {},
  extra: Parameters<typeof createMlflowAdapter>[0] | object = {},
) {
  server = new FakeMlflowServer();
  server.seed([{ ...RUN, ...seed }]);
  const url = await server.start();
  const warnings: string[] = [];
  const adapter = createMlflowAdapter({
    trackingUri: url,
    experimentName: "magtrack-test",
    sleep: async () => {},
    warn: (m) => warnings.push(m),
    ...extra,
  });
  const runs: RunRef[] = [];
  for await (const r of adapter.listRuns({})) runs.push(r);
  return { adapter, run: runs[0]!, warnings, server };
}

const curve = { t: [0, 1, 2], magnitude: [1, 1.5, 1.75] };
function result(layer: string, step: number, extra: Record<string, number> = {}): StepResult {
  return { layer, step, metrics: { area: 0.5 + step, diff_ref: Number.NaN, ...extra }, curve };
}
function batch(results: StepResult[], layer = "fc1", T = 2): ResultBatch {
  const ref = { layer, T, step: 0, source: "t_conv(q=0.95)@step 0" };
  return {
    newReferences: [ref],
    results,
    allResults: results,
    references: { [layer]: ref },
    charts: [{ path: `magnitude/${layer}/curves.svg`, contentType: "image/svg+xml", body: "<svg>c</svg>" }],
    settings: { "magtrack.q": "0.95", "magtrack.grid": "64" },
  };
}

describe("mlflow (fake server): writes", () => {
  it("uploads charts and the curves table, and leaves the user's mlflow.loggedArtifacts alone", async () => {
    const userEntry = { path: "eval/predictions.json", type: "table" };
    const { adapter, run, server } = await setup({
      tags: { "mlflow.loggedArtifacts": JSON.stringify([userEntry]) },
    });
    const report = await adapter.writeResults!(run, batch([result("fc1", 0), result("fc1", 5)]));
    expect(report).toEqual({ metricsWritten: 4, filesWritten: 2, skippedExisting: 0 });
    const stored = server.runs.get("run00")!;
    expect(stored.artifacts.get("magnitude/fc1/curves.svg")?.toString()).toBe("<svg>c</svg>");
    const table = JSON.parse(stored.artifacts.get("magnitude/curves.json")!.toString());
    expect(table.columns).toEqual(["layer", "step", "t", "magnitude"]);
    expect(table.data).toEqual([
      ["fc1", 0, 0, 1],
      ["fc1", 0, 1, 1.5],
      ["fc1", 0, 2, 1.75],
      ["fc1", 5, 0, 1],
      ["fc1", 5, 1, 1.5],
      ["fc1", 5, 2, 1.75],
    ]);
    // Not registered: MLflow's evaluation view would pick it by default (docs/mlflow.md).
    expect(JSON.parse(stored.tags.get("mlflow.loggedArtifacts")!)).toEqual([userEntry]);
    expect(JSON.parse(stored.tags.get("magtrack.settings")!)).toEqual({
      "magtrack.grid": "64",
      "magtrack.q": "0.95",
    });
    // Timestamps: start_time + step.
    expect(stored.metrics.find((m) => m.key === "magnitude/fc1/area" && m.step === 5)?.timestamp).toBe(
      Date.UTC(2026, 0, 1) + 5,
    );
    // Curves come back with the state (charts of earlier steps keep them).
    const state = await adapter.readState(run);
    expect(state.written.map((r) => [r.step, r.curve?.magnitude])).toEqual([
      [0, [1, 1.5, 1.75]],
      [5, [1, 1.5, 1.75]],
    ]);
    expect(state.settings).toEqual({ "magtrack.grid": "64", "magtrack.q": "0.95" });
  });

  it("never changes an existing reference: a different one is refused before anything is written", async () => {
    const { adapter, run, server } = await setup();
    await adapter.writeResults!(run, batch([result("fc1", 0)], "fc1", 2));
    const before = server.snapshot();
    await expect(adapter.writeResults!(run, batch([result("fc1", 1)], "fc1", 3))).rejects.toMatchObject({
      code: "MLFLOW_REFERENCE_CONFLICT",
    });
    expect(server.snapshot()).toEqual(before);
  });

  it("recovers when a log-batch response is lost after the server stored a NaN point", async () => {
    const { adapter, run, server } = await setup();
    // The server stores the batch, then the proxy in front answers 503; the transport retries the
    // identical batch, which the real server refuses (NaN is not de-duplicated: UNIQUE failure).
    server.faults.push({
      method: "POST",
      path: "/api/2.0/mlflow/runs/log-batch",
      status: 503,
      body: "<html><title>503 Service Unavailable</title></html>",
      contentType: "text/html",
      when: "after",
      skip: 1, // the first log-batch carries the tags
    });
    const report = await adapter.writeResults!(run, batch([result("fc1", 0), result("fc1", 1)]));
    expect(report.metricsWritten).toBe(4);
    const stored = server.runs.get("run00")!.metrics;
    // Every (key, step) exactly once, NaN included.
    expect(stored.map((m) => `${m.key}@${m.step}`).sort()).toEqual([
      "magnitude/fc1/area@0",
      "magnitude/fc1/area@1",
      "magnitude/fc1/diff_ref@0",
      "magnitude/fc1/diff_ref@1",
    ]);
    const batches = server.requestsTo("/api/2.0/mlflow/runs/log-batch");
    expect(batches.length).toBe(4); // tags, params, metrics (stored, 503), metrics retried (400 UNIQUE)
  });

  it("fails loudly when the read-back does not match what was sent", async () => {
    const { adapter, run, server } = await setup();
    // A server that answers 200 without storing: the write must not be reported as done.
    for (let i = 0; i < 2; i++) {
      server.faults.push({
        method: "POST",
        path: "/api/2.0/mlflow/runs/log-batch",
        status: 200,
        body: "{}",
        contentType: "application/json",
        when: "before",
      });
    }
    await expect(adapter.writeResults!(run, batch([result("fc1", 0)]))).rejects.toMatchObject({
      code: "MLFLOW_READBACK_MISMATCH",
    });
  });

  it("sanitises layer names into valid keys and reads results back under the original name", async () => {
    const { adapter, run, server } = await setup();
    const layer = "blocks[0]/attn..out";
    await adapter.writeResults!(run, batch([result(layer, 0)], layer));
    const safe = `blocks_0__attn_out_${fnv1a32(layer)}`;
    const keys = new Set(server.runs.get("run00")!.metrics.map((m) => m.key));
    expect([...keys].sort()).toEqual([`magnitude/${safe}/area`, `magnitude/${safe}/diff_ref`]);
    expect(server.runs.get("run00")!.artifacts.has(`magnitude/${safe}/curves.svg`)).toBe(true);
    const state = await adapter.readState(run);
    expect(state.written.map((r) => r.layer)).toEqual([layer]);
    expect(state.references[layer]?.T).toBe(2);
  });

  it("writes into failed and running runs (MLflow accepts both) and skips deleted ones", async () => {
    for (const status of ["failed", "running"]) {
      const { adapter, run, server } = await setup({ status });
      expect(run.status).toBe(status);
      await adapter.writeResults!(run, batch([result("fc1", 0)]));
      expect(server.runs.get("run00")!.metrics.length).toBe(2);
      await server.stop();
    }
    server = new FakeMlflowServer();
    server.seed([{ ...RUN, deleted: true }]);
    const url = await server.start();
    const adapter = createMlflowAdapter({ trackingUri: url, experimentName: "magtrack-test" });
    const runs: RunRef[] = [];
    for await (const r of adapter.listRuns({})) runs.push(r);
    expect(runs).toEqual([]);
  });

  it("warns and writes metrics only when the artifact root is not behind the proxy", async () => {
    const { adapter, run, server, warnings } = await setup({ root: "s3" });
    const report = await adapter.writeResults!(run, batch([result("fc1", 0)]));
    expect(report.filesWritten).toBe(0);
    expect(server.runs.get("run00")!.metrics.length).toBe(2);
    expect(warnings.join("\n")).toContain("not behind the artifact proxy");
  });

  it("always sends max_results to get-history", async () => {
    const { adapter, run, server } = await setup();
    await adapter.writeResults!(run, batch([result("fc1", 0)]));
    await adapter.readState(run);
    const history = server.requestsTo("/api/2.0/mlflow/metrics/get-history");
    expect(history.length).toBeGreaterThan(0);
    for (const r of history) expect(r.query.max_results).toBe("25000");
  });
});
