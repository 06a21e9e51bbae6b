/**
 * MLflow adapter against nock, with response bodies recorded from a real MLflow 3.6.1 server
 * (test/fixtures/mlflow, README there says where each comes from and what a test adds).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import nock from "nock";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createMlflowAdapter, mlflowAdapterFromEnv } from "../../../adapters/mlflow/index.js";
import {
  type ActivationRef,
  MagtrackError,
  type ResultBatch,
  type RunRef,
  type StepResult,
  type TrackerError,
} from "../../../src/adapter-kit.js";
import { encodeNpy } from "../../../src/io/npy-write.js";

const BASE = "http://127.0.0.1:5005";
const API = "/api/2.0/mlflow";
const FIXTURES = join(import.meta.dirname, "../../fixtures/mlflow");
const text = (name: string) => readFileSync(join(FIXTURES, name), "utf8");
// biome-ignore lint/suspicious/noExplicitAny: fixture JSON is navigated freely in tests
const fixture = (name: string): any => JSON.parse(text(name));
const JSON_TYPE = { "Content-Type": "application/json" };
const HTML_TYPE = { "Content-Type": "text/html; charset=utf-8" };

const REST_RUN = "e46631ac68bf42f6ad2c3c287badf798";
const PY_RUN = "ce60be17d03a4cd790449378dae898de";

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterEach(() => {
  nock.cleanAll();
});

function adapter(extra: Partial<Parameters<typeof createMlflowAdapter>[0]> = {}) {
  const sleeps: number[] = [];
  const warnings: string[] = [];
  const a = createMlflowAdapter({
    trackingUri: BASE,
    experimentName: "ts-client-demo",
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    warn: (m) => warnings.push(m),
    ...extra,
  });
  return { a, sleeps, warnings };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function caught(p: Promise<unknown>): Promise<MagtrackError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(MagtrackError);
    return error as MagtrackError;
  }
  throw new Error("expected an error");
}

const restRun = () => fixture("run-get.json").run;
const pyRun = () => fixture("py-run-get.json").run;
const refOf = (wire: { info: { run_id: string; artifact_uri: string; start_time: number } }): RunRef => ({
  id: wire.info.run_id,
  status: "finished",
  startTime: wire.info.start_time,
  extra: { artifactUri: wire.info.artifact_uri },
});

describe("mlflow (nock): discovery", () => {
  it("resolves the experiment by name and pages runs/search until next_page_token is gone", async () => {
    const page1 = { ...fixture("runs-search.json"), next_page_token: "eyJvZmZzZXQiOiAyfQ==" };
    const page2 = { runs: [pyRun()], next_page_token: "" };
    const bodies: Record<string, unknown>[] = [];
    nock(BASE)
      .get(`${API}/experiments/get-by-name`)
      .query({ experiment_name: "ts-client-demo" })
      .reply(200, text("experiment-get-by-name.json"), JSON_TYPE)
      .post(`${API}/runs/search`, (b) => {
        bodies.push(b);
        return true;
      })
      .times(2)
      .reply((_uri, body) => [200, (body as { page_token?: string }).page_token ? page2 : page1]);
    const { a } = adapter();
    const runs = await collect(a.listRuns({ pageSize: 2 }));
    expect(runs.map((r) => [r.id, r.displayName, r.status, r.startTime, r.container])).toEqual([
      [REST_RUN, "curl-run", "running", 1795800357786, "1"],
      [PY_RUN, "py-run", "finished", 1795800368534, "2"],
    ]);
    expect(runs[0]!.tags?.stage).toBe("finetune");
    expect(bodies.map((b) => [b.experiment_ids, b.max_results, b.page_token])).toEqual([
      [["1"], 2, undefined],
      [["1"], 2, "eyJvZmZzZXQiOiAyfQ=="],
    ]);
    expect(bodies[0]!.run_view_type).toBe("ACTIVE_ONLY");
  });

  it("keeps an 18-digit experiment id a string and sends the start-time, tag and status filters", async () => {
    const bigId = "724319083312345678"; // > 2^53, as file stores make them
    const experiment = {
      experiment: { ...fixture("experiment-get-by-name.json").experiment, experiment_id: bigId },
    };
    let body: Record<string, unknown> = {};
    nock(BASE)
      .get(`${API}/experiments/get`)
      .query({ experiment_id: bigId })
      .reply(200, JSON.stringify(experiment), JSON_TYPE)
      .post(`${API}/runs/search`, (b) => {
        body = b;
        return true;
      })
      .reply(200, text("runs-search.json"), JSON_TYPE);
    const { a } = adapter({ experimentName: undefined, experimentId: bigId });
    const runs = await collect(
      a.listRuns({ since: 1795800000000, tags: { stage: "finetune" }, statuses: ["running"] }),
    );
    expect(runs.map((r) => r.id)).toEqual([REST_RUN]);
    expect(body.experiment_ids).toEqual([bigId]);
    expect(body.filter).toBe(
      "attributes.start_time >= 1795800000000 and tags.`stage` = 'finetune' and attributes.status = 'RUNNING'",
    );
  });

  it("skips deleted runs", async () => {
    const deleted = restRun();
    deleted.info.lifecycle_stage = "deleted"; // the state recorded in §63/§64
    nock(BASE)
      .get(`${API}/experiments/get-by-name`)
      .query(true)
      .reply(200, text("experiment-get-by-name.json"), JSON_TYPE)
      .post(`${API}/runs/search`)
      .reply(200, { runs: [deleted, pyRun()] });
    const { a } = adapter();
    expect((await collect(a.listRuns({}))).map((r) => r.id)).toEqual([PY_RUN]);
  });

  it("walks artifacts one level per call and matches the default pattern", async () => {
    const listed: string[] = [];
    nock(BASE)
      .get(`${API}/artifacts/list`)
      .query((q) => {
        listed.push(String(q.path));
        return q.run_id === PY_RUN;
      })
      .times(3)
      .reply((uri) =>
        uri.includes("path=activations%2Flayer1") || uri.includes("path=activations/layer1")
          ? [200, text("py-artifacts-list-layer1.json"), JSON_TYPE]
          : uri.includes("path=trajectory")
            ? // No weight windows logged: the recorded answer for a missing directory.
              [200, text("artifacts-list-missing-dir.json"), JSON_TYPE]
            : [
                200,
                {
                  root_uri: "mlflow-artifacts:/2/ce60be17d03a4cd790449378dae898de/artifacts",
                  files: [{ path: "activations/layer1", is_dir: true }],
                },
              ],
      );
    const { a } = adapter();
    const acts = await collect(a.listActivations(refOf(pyRun())));
    // Then the trajectory pattern's start directory (weight windows, docs/trajectory.md).
    expect(listed).toEqual(["activations", "activations/layer1", "trajectory"]);
    expect(acts.map((x) => [x.layer, x.step, x.format, x.path, x.size])).toEqual([
      ["layer1", 1, "npy", "activations/layer1/step_00001.npy", 176],
    ]);
  });

  it("treats a missing directory (no files field) as empty", async () => {
    nock(BASE)
      .get(`${API}/artifacts/list`)
      .query(true)
      .times(2) // activations/, then trajectory/
      .reply(200, text("artifacts-list-missing-dir.json"), JSON_TYPE);
    const { a } = adapter();
    expect(await collect(a.listActivations(refOf(restRun())))).toEqual([]);
  });
});

describe("mlflow (nock): downloads", () => {
  // readback §R5: float32 (3, 4), values 0.0 … 1.1, 176 bytes.
  const npy = Buffer.from(
    encodeNpy(
      Float32Array.from({ length: 12 }, (_, i) => i / 10),
      [3, 4],
    ),
  );
  const act = (run: RunRef): ActivationRef => ({
    run,
    layer: "layer1",
    step: 1,
    path: "activations/layer1/step_00001.npy",
    format: "npy",
    size: 176,
  });

  it("downloads mlflow-artifacts: roots through the proxy", async () => {
    expect(npy.length).toBe(176);
    nock(BASE)
      .get(`/api/2.0/mlflow-artifacts/artifacts/2/${PY_RUN}/artifacts/activations/layer1/step_00001.npy`)
      .reply(200, npy, { "Content-Type": "application/octet-stream" });
    const { a } = adapter();
    const got = await a.readActivation(act(refOf(pyRun())));
    expect(Buffer.from(got).equals(npy)).toBe(true);
  });

  it("downloads other roots through /get-artifact", async () => {
    const run = pyRun();
    run.info.artifact_uri = `s3://mlflow-bucket/2/${PY_RUN}/artifacts`;
    nock(BASE)
      .get("/get-artifact")
      .query({ path: "activations/layer1/step_00001.npy", run_uuid: PY_RUN })
      .reply(200, npy, { "Content-Type": "application/octet-stream", "Content-Length": "176" });
    const { a } = adapter();
    const got = await a.readActivation(act(refOf(run)));
    expect(Buffer.from(got).equals(npy)).toBe(true);
  });

  it("refuses files over maxFileBytes without downloading", async () => {
    const { a } = adapter({ maxFileBytes: 100 });
    const err = await caught(a.readActivation(act(refOf(pyRun()))));
    expect(err.code).toBe("TOO_LARGE");
    expect(err.message).toContain("176 bytes exceeds the limit of 100");
  });

  it("a missing file behind the proxy is the recorded 500 INTERNAL_ERROR, retried then reported", async () => {
    nock(BASE)
      .get(/\/api\/2\.0\/mlflow-artifacts\/artifacts\/.*/)
      .times(3)
      .reply(500, text("error-proxy-missing-file.json"), JSON_TYPE);
    const { a, sleeps } = adapter({ retry: { maxRetries: 2 } });
    const err = (await caught(a.readActivation(act(refOf(pyRun()))))) as TrackerError;
    expect(err.status).toBe(500);
    expect(err.errorCode).toBe("INTERNAL_ERROR");
    expect(err.attempts).toBe(3);
    expect(sleeps.length).toBe(2);
  });
});

describe("mlflow (nock): errors", () => {
  it("429 with Retry-After is waited out", async () => {
    nock(BASE)
      .get(`${API}/experiments/get-by-name`)
      .query(true)
      .reply(429, "", { "Retry-After": "3" })
      .get(`${API}/experiments/get-by-name`)
      .query(true)
      .reply(200, text("experiment-get-by-name.json"), JSON_TYPE)
      .post(`${API}/runs/search`)
      .reply(200, text("runs-search.json"), JSON_TYPE);
    const { a, sleeps } = adapter();
    expect((await collect(a.listRuns({}))).length).toBe(1);
    expect(sleeps).toEqual([3000]);
  });

  it("503 HTML pages are retried and then reported by title, not parsed as JSON", async () => {
    nock(BASE).post(`${API}/runs/search`).times(4).reply(503, text("html-500.html"), HTML_TYPE);
    nock(BASE)
      .get(`${API}/experiments/get-by-name`)
      .query(true)
      .reply(200, text("experiment-get-by-name.json"), JSON_TYPE);
    const { a, sleeps } = adapter({ retry: { maxRetries: 3 } });
    const err = (await caught(collect(a.listRuns({})))) as TrackerError;
    expect(err.status).toBe(503);
    expect(err.kind).toBe("tracker");
    expect(err.message).toContain(`MLflow POST ${BASE}${API}/runs/search failed after 4 attempts: HTTP 503`);
    expect(err.message).toContain(
      'not JSON; text/html body: "500 Internal Server Error — The server encountered',
    );
    expect(sleeps.length).toBe(3);
  });

  it("404 JSON: a missing run is an empty state; a missing experiment id a config error", async () => {
    nock(BASE)
      .get(`${API}/runs/get`)
      .query({ run_id: "00000000000000000000000000000000" })
      .reply(404, text("error-run-not-found.json"), JSON_TYPE)
      .get(`${API}/experiments/get`)
      .query({ experiment_id: "999999" })
      .reply(404, text("error-experiment-not-found.json"), JSON_TYPE);
    const { a } = adapter({ experimentName: undefined, experimentId: "999999" });
    const state = await a.readState({ id: "00000000000000000000000000000000", status: "finished" });
    expect(state).toEqual({ references: {}, written: [] });
    const err = await caught(collect(a.listRuns({})));
    expect(err.kind).toBe("config");
    expect(err.message).toBe("MLflow: no experiment with id 999999");
  });

  it("400 JSON from log-batch is reported with error_code and message, not retried", async () => {
    let posts = 0;
    nock(BASE)
      .get(`${API}/runs/get`)
      .query(true)
      .reply(200, text("run-get.json"), JSON_TYPE)
      .post(`${API}/runs/log-batch`)
      .reply(() => {
        posts++;
        return [400, text("error-invalid-key.json"), JSON_TYPE];
      });
    const { a } = adapter();
    const batch = batchOf([result("fc1", 0, { area: 1 })], []);
    const err = (await caught(a.writeResults!(refOf(restRun()), batch))) as TrackerError;
    expect(posts).toBe(1);
    expect(err.status).toBe(400);
    expect(err.errorCode).toBe("INVALID_PARAMETER_VALUE");
    expect(err.message).toContain("Names may only contain alphanumerics");
  });

  it("never loops on the get-history offset-0 answer", async () => {
    const run = restRun();
    run.data.metrics.push({ key: "magnitude/fc1/area", value: 1, timestamp: 1795800357786, step: 0 });
    nock(BASE)
      .get(`${API}/runs/get`)
      .query(true)
      .reply(200, { run })
      .get(`${API}/metrics/get-history`)
      .query(true)
      .reply(200, text("history-without-max-results.json"), JSON_TYPE);
    const { a } = adapter();
    const err = await caught(a.readState(refOf(run)));
    expect(err.code).toBe("MLFLOW_PAGINATION_LOOP");
  });

  it("no credential appears in errors (Basic from env, server echoing a token)", async () => {
    const password = "pa55-w0rd-SECRET";
    const token = "dapi-0123456789abcdef";
    nock(BASE)
      .get(`${API}/experiments/get-by-name`)
      .query(true)
      .reply(401, `Unauthorized: ${password} / Bearer ${token}`, { "Content-Type": "text/plain" });
    const a = mlflowAdapterFromEnv(
      {
        MLFLOW_TRACKING_URI: BASE,
        MLFLOW_TRACKING_USERNAME: "alice",
        MLFLOW_TRACKING_PASSWORD: password,
        MLFLOW_TRACKING_TOKEN: token,
      },
      { experiment: "ts-client-demo" },
    );
    const err = (await caught(collect(a.listRuns({})))) as TrackerError;
    expect(err.kind).toBe("auth");
    const all = [err.message, String(err.stack), JSON.stringify(err), JSON.stringify(err.details)].join("\n");
    expect(all).not.toContain(password);
    expect(all).not.toContain(token);
    expect(all).not.toContain(Buffer.from(`alice:${password}`).toString("base64"));
  });
});

// ---- writes ---------------------------------------------------------------------------------

function result(layer: string, step: number, metrics: Record<string, number>): StepResult {
  return { layer, step, metrics };
}

function batchOf(
  results: StepResult[],
  newRefs = [{ layer: "fc1", T: 3.5, step: 0, source: "t_conv(q=0.95)@step 0" }],
): ResultBatch {
  return {
    newReferences: newRefs,
    results,
    allResults: results,
    references: Object.fromEntries(newRefs.map((r) => [r.layer, r])),
    charts: [],
    settings: {},
  };
}

/**
 * nock acting as the server for a write: log-batch bodies are captured (raw text too), get-history
 * and runs/get answer with what was stored, in the recorded shapes (§21 history, §10 run).
 */
function writeServer(
  initial: { key: string; value: number | string; timestamp: number; step: number }[] = [],
) {
  const stored = [...initial];
  const tags: { key: string; value: string }[] = [];
  const rawBatches: string[] = [];
  const historyQueries: Record<string, string>[] = [];
  const run = restRun();
  const runBody = () => {
    const latest = new Map<string, (typeof stored)[number]>();
    for (const m of stored) if (!latest.has(m.key) || latest.get(m.key)!.step <= m.step) latest.set(m.key, m);
    return {
      run: {
        ...run,
        data: {
          ...run.data,
          metrics: [...run.data.metrics, ...latest.values()],
          tags: [...run.data.tags, ...tags],
        },
      },
    };
  };
  nock(BASE)
    .persist()
    .get(`${API}/runs/get`)
    .query(true)
    .reply(200, () => runBody())
    .get(`${API}/metrics/get-history`)
    .query((q) => {
      historyQueries.push(q as Record<string, string>);
      return true;
    })
    .reply(200, (uri) => {
      const key = new URL(uri, BASE).searchParams.get("metric_key");
      const metrics = stored.filter((m) => m.key === key);
      return metrics.length > 0 ? { metrics } : {};
    })
    .get(`${API}/artifacts/list`)
    .query(true)
    .reply(200, text("artifacts-list-missing-dir.json"), JSON_TYPE)
    .post(`${API}/runs/log-batch`)
    .reply(200, (_uri, body) => {
      rawBatches.push(typeof body === "string" ? body : JSON.stringify(body));
      const b = (typeof body === "string" ? JSON.parse(body) : body) as {
        metrics?: { key: string; value: number | string; timestamp: number; step: number }[];
        tags?: { key: string; value: string }[];
      };
      for (const m of b.metrics ?? []) {
        // The SQL store clamps infinities (§51) and returns NaN as "NaN" (§50).
        const value =
          m.value === "Infinity"
            ? 1.7976931348623157e308
            : m.value === "-Infinity"
              ? -1.7976931348623157e308
              : m.value;
        stored.push({ ...m, value });
      }
      tags.push(...(b.tags ?? []));
      return {};
    });
  return { stored, tags, rawBatches, historyQueries };
}

describe("mlflow (nock): writes", () => {
  it("chunks log-batch at 1000 metrics without splitting a step, tags in their own request", async () => {
    const server = writeServer();
    const results = Array.from({ length: 250 }, (_, s) =>
      result("fc1", s, { area: s / 4, t_conv: 1 + s, dim: 1.5, diff_ref: 0.25, n: 50 }),
    );
    const { a } = adapter();
    const report = await a.writeResults!(refOf(restRun()), batchOf(results));
    const batches = server.rawBatches.map((b) => JSON.parse(b));
    expect(batches.map((b) => [b.metrics?.length ?? 0, b.tags?.length ?? 0])).toEqual([
      [0, 1],
      [1000, 0],
      [250, 0],
    ]);
    const stepsOf = (b: { metrics: { step: number }[] }) => new Set(b.metrics.map((m) => m.step));
    const [first, second] = [stepsOf(batches[1]), stepsOf(batches[2])];
    expect([...first].filter((s) => second.has(s))).toEqual([]);
    expect(report).toEqual({ metricsWritten: 1250, filesWritten: 0, skippedExisting: 0 });
    // Deterministic timestamps: run start_time (1795800357786) + step.
    expect(batches[1].metrics[0]).toEqual({
      key: "magnitude/fc1/area",
      value: 0,
      timestamp: 1795800357786,
      step: 0,
    });
    for (const q of server.historyQueries) expect(q.max_results).toBe("25000");
  });

  it("encodes NaN and ±Infinity as strings and reads them back as the same values", async () => {
    const server = writeServer();
    const { a } = adapter();
    await a.writeResults!(
      refOf(restRun()),
      batchOf([
        result("fc1", 0, {
          diff_ref: Number.NaN,
          area: Number.POSITIVE_INFINITY,
          dim: Number.NEGATIVE_INFINITY,
        }),
      ]),
    );
    const raw = server.rawBatches[1]!;
    expect(raw).toContain('"key":"magnitude/fc1/diff_ref","value":"NaN"');
    expect(raw).toContain('"key":"magnitude/fc1/area","value":"Infinity"');
    expect(raw).toContain('"key":"magnitude/fc1/dim","value":"-Infinity"');
    expect(raw).not.toContain("null");
    const state = await a.readState(refOf(restRun()));
    const m = state.written[0]!.metrics;
    expect(Number.isNaN(m.diff_ref)).toBe(true);
    expect(m.area).toBe(Number.POSITIVE_INFINITY);
    expect(m.dim).toBe(Number.NEGATIVE_INFINITY);
  });

  it("a re-sync sends no point that is already stored", async () => {
    const stored = ["area", "dim"].flatMap((name) =>
      [0, 1].map((step) => ({
        key: `magnitude/fc1/${name}`,
        value: step / 2,
        timestamp: 1795800357786 + step,
        step,
      })),
    );
    const server = writeServer(stored);
    const { a } = adapter();
    const results = [0, 1, 2].map((s) => result("fc1", s, { area: s / 2, dim: s / 2 }));
    const report = await a.writeResults!(refOf(restRun()), batchOf(results, []));
    const sent = server.rawBatches.flatMap((b) => JSON.parse(b).metrics ?? []);
    expect(sent.map((m: { key: string; step: number }) => `${m.key}@${m.step}`).sort()).toEqual([
      "magnitude/fc1/area@2",
      "magnitude/fc1/dim@2",
    ]);
    expect(report.skippedExisting).toBe(4);
    const again = await a.writeResults!(refOf(restRun()), batchOf(results, []));
    expect(again.metricsWritten).toBe(0);
    expect(server.rawBatches.length).toBe(1);
  });

  it("reads state back from real history pages (renamed to a magtrack key), following next_page_token", async () => {
    const page1 = fixture("history-page1.json");
    const page2 = fixture("history-page2.json");
    for (const m of [...page1.metrics, ...page2.metrics]) m.key = "magnitude/fc1/area";
    const run = restRun();
    run.data.metrics.push({ ...page2.metrics[1] });
    run.data.tags.push({
      key: "magtrack.reference.fc1",
      value: JSON.stringify({ layer: "fc1", T: 2.5, step: 0, source: "t_conv(q=0.95)@step 0" }),
    });
    nock(BASE)
      .get(`${API}/runs/get`)
      .query(true)
      .reply(200, { run })
      .get(`${API}/metrics/get-history`)
      .query((q) => q.max_results === "25000" && q.page_token === undefined)
      .reply(200, page1)
      .get(`${API}/metrics/get-history`)
      .query((q) => q.max_results === "25000" && q.page_token === "eyJvZmZzZXQiOiAyfQ==")
      .reply(200, page2)
      .get(`${API}/artifacts/list`)
      .query({ run_id: REST_RUN, path: "magnitude" })
      .reply(200, text("artifacts-list-missing-dir.json"), JSON_TYPE);
    const { a } = adapter();
    const state = await a.readState(refOf(run));
    expect(state.references.fc1).toEqual({ layer: "fc1", T: 2.5, step: 0, source: "t_conv(q=0.95)@step 0" });
    expect(state.written.map((r) => [r.layer, r.step, r.metrics.area])).toEqual([
      ["fc1", 0, 0.9],
      ["fc1", 1, 0.5],
      ["fc1", 2, 0.25],
      ["fc1", 3, 0.125],
    ]);
  });
});
