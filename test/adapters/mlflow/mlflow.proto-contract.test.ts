/**
 * The requests the adapter sends, checked against the upstream REST spec
 * (../shared/contracts/mlflow/service.proto and mlflow_artifacts.proto): every endpoint exists
 * with that method, and every JSON/query field name is a field of the request message.
 * Runs only where ../shared exists (a user's clone has no ../shared).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMlflowAdapter } from "../../../adapters/mlflow/index.js";
import type { RunRef } from "../../../src/adapter-kit.js";
import { FakeMlflowServer, type RecordedRequest } from "./fake-server.js";

const CONTRACTS = join(import.meta.dirname, "../../../../shared/contracts/mlflow");
const present = existsSync(join(CONTRACTS, "service.proto"));
if (!present) {
  console.warn(
    `[skipped] MLflow proto contract test: ${CONTRACTS} not found (needs ../shared/contracts/mlflow)`,
  );
}

/** Top-level messages → their direct field names (nested messages excluded). */
function parseMessages(proto: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const re = /^message (\w+) \{/gm;
  for (let m = re.exec(proto); m !== null; m = re.exec(proto)) {
    let depth = 0;
    const fields = new Set<string>();
    let i = m.index + m[0].length - 1;
    let line = "";
    for (; i < proto.length; i++) {
      const c = proto[i]!;
      if (c === "{") depth++;
      else if (c === "}") {
        depth--;
        if (depth === 0) break;
      } else if (c === "\n") {
        const f = /^\s*(?:optional|repeated|required)\s+[\w.]+\s+(\w+)\s*=/.exec(line);
        if (f && depth === 1) fields.add(f[1]!);
        line = "";
        continue;
      }
      line += c;
    }
    out.set(m[1]!, fields);
  }
  return out;
}

/** "METHOD /path" → request message, from the rpc options. */
function parseEndpoints(proto: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /rpc \w+\((\w+)\) returns[\s\S]*?visibility/g;
  for (let m = re.exec(proto); m !== null; m = re.exec(proto)) {
    for (const e of m[0].matchAll(/method: "(\w+)"\s*path: "([^"]+)"/g)) out.set(`${e[1]} ${e[2]}`, m[1]!);
  }
  return out;
}

describe.skipIf(!present)("mlflow requests vs the upstream REST spec", () => {
  let requests: RecordedRequest[] = [];
  let server: FakeMlflowServer;
  beforeAll(async () => {
    server = new FakeMlflowServer();
    server.seed([
      {
        id: "run00",
        status: "finished",
        startTime: 1,
        files: { "activations/fc1/step_0.npy": Uint8Array.of(1, 2, 3) },
      },
    ]);
    const adapter = createMlflowAdapter({
      trackingUri: await server.start(),
      experimentName: "magtrack-test",
      pageSize: 1,
    });
    const runs: RunRef[] = [];
    for await (const r of adapter.listRuns({ since: 0, tags: { "mlflow.runName": "x" } })) runs.push(r);
    for await (const r of adapter.listRuns({})) runs.push(r);
    const run = runs[0]!;
    for await (const a of adapter.listActivations(run)) await adapter.readActivation(a);
    const ref = { layer: "fc1", T: 2, step: 0, source: "s" };
    const results = [
      { layer: "fc1", step: 0, metrics: { area: Number.NaN }, curve: { t: [0, 1], magnitude: [1, 2] } },
    ];
    await adapter.writeResults!(run, {
      newReferences: [ref],
      results,
      allResults: results,
      references: { fc1: ref },
      charts: [{ path: "magnitude/fc1/curves.svg", contentType: "image/svg+xml", body: "<svg/>" }],
      settings: { "magtrack.q": "0.95" },
    });
    await adapter.readState(run);
    // The experiment-level scale (docs/scale.md): set-experiment-tag, read back with experiments/get.
    const scale = {
      layer: "fc1",
      T: 2,
      run: run.id,
      step: 0,
      source: "s",
      settings: { "magtrack.q": "0.95" },
    };
    await adapter.createExperimentScale!(scale);
    expect(await adapter.readExperimentScale!("fc1")).toEqual(scale);
    requests = server.requests;
  });
  afterAll(() => server.stop());

  it("uses only endpoints and field names the spec defines", () => {
    const service = readFileSync(join(CONTRACTS, "service.proto"), "utf8");
    const messages = parseMessages(service);
    const endpoints = parseEndpoints(service);
    expect(endpoints.get("POST /mlflow/runs/log-batch")).toBe("LogBatch"); // the parser works
    const checked = new Set<string>();
    for (const r of requests.filter((x) => x.path.startsWith("/api/2.0/mlflow/"))) {
      const endpoint = `${r.method} ${r.path.slice("/api/2.0".length)}`;
      const message = endpoints.get(endpoint);
      expect(message, endpoint).toBeDefined();
      const fields = messages.get(message!)!;
      const names = r.method === "GET" ? Object.keys(r.query) : Object.keys(r.body as object);
      for (const n of names) expect(fields.has(n), `${endpoint}: field ${n} not in ${message}`).toBe(true);
      if (message === "LogBatch") {
        const body = r.body as { metrics?: object[]; params?: object[]; tags?: object[] };
        for (const m of body.metrics ?? [])
          for (const k of Object.keys(m)) expect(messages.get("Metric")!.has(k)).toBe(true);
        for (const t of body.tags ?? [])
          for (const k of Object.keys(t)) expect(messages.get("RunTag")!.has(k)).toBe(true);
        for (const p of body.params ?? [])
          for (const k of Object.keys(p)) expect(messages.get("Param")!.has(k)).toBe(true);
      }
      checked.add(endpoint);
    }
    expect([...checked].sort()).toEqual([
      "GET /mlflow/artifacts/list",
      "GET /mlflow/experiments/get",
      "GET /mlflow/experiments/get-by-name",
      "GET /mlflow/metrics/get-history",
      "GET /mlflow/runs/get",
      "POST /mlflow/experiments/set-experiment-tag",
      "POST /mlflow/runs/log-batch",
      "POST /mlflow/runs/search",
    ]);
  });

  it("downloads and uploads through the artifact proxy routes of mlflow_artifacts.proto", () => {
    const artifacts = readFileSync(join(CONTRACTS, "mlflow_artifacts.proto"), "utf8");
    const routes = parseEndpoints(artifacts);
    expect(routes.has("GET /mlflow-artifacts/artifacts/<path:artifact_path>")).toBe(true);
    expect(routes.has("PUT /mlflow-artifacts/artifacts/<path:artifact_path>")).toBe(true);
    const proxied = requests.filter((r) => r.path.startsWith("/api/2.0/mlflow-artifacts/artifacts/"));
    expect(new Set(proxied.map((r) => r.method))).toEqual(new Set(["GET", "PUT"]));
  });
});
