/**
 * A stateful in-process fake MLflow tracking server (node:http on 127.0.0.1, ephemeral port) with
 * the semantics recorded from a real MLflow 3.6.1 server (../shared/TRACKERS.md and
 * ../shared/fixtures/mlflow-3.6-real): append-only metrics; an identical finite (key, timestamp,
 * step, value) is de-duplicated; a re-sent stored NaN point fails the whole batch with 400
 * BAD_REQUEST (UNIQUE constraint); ±Infinity stored as ±DBL_MAX; NaN returned as "NaN"; log-batch
 * limits (1000 metrics / 100 params / 100 tags / 1000 items); key validation; tag values cut at
 * 8000 chars; metrics/get-history without max_results answers an offset-0 token and no metrics;
 * page tokens are base64 {"offset": N}; artifacts/list lists one level; proxy GET of a missing
 * file is a 500 JSON INTERNAL_ERROR, /get-artifact of a missing file a 500 HTML page; unknown
 * routes 404 HTML; malformed JSON bodies 500 HTML; non-JSON content types 400.
 * Experiment tags: experiments/set-experiment-tag {experiment_id, key, value} → {} and replaces a
 * tag's value (../shared/contracts/mlflow/service.proto rpc setExperimentTag, message
 * SetExperimentTag: "Experiment tags are metadata that can be updated"; the empty response as for
 * runs/set-tag in the transcript §9); experiments/get lists them as "tags": [{key, value}], omitted
 * when there are none (transcript §4).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

const DBL_MAX = 1.7976931348623157e308;
const KEY_RE = /^[/\w.\- :]*$/;

export interface FakeMetric {
  key: string;
  value: number;
  timestamp: number;
  step: number;
}

export interface FakeRun {
  runId: string;
  experimentId: string;
  runName?: string;
  status: string;
  startTime: number;
  endTime?: number;
  lifecycleStage: "active" | "deleted";
  artifactUri: string;
  tags: Map<string, string>;
  params: Map<string, string>;
  metrics: FakeMetric[];
  artifacts: Map<string, Buffer>;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A scripted failure for the next matching request; "after" stores first, then fails the response. */
export interface Fault {
  method: string;
  path: string;
  status: number;
  body: string;
  contentType: string;
  headers?: Record<string, string>;
  when: "before" | "after";
  /** Let this many matching requests through first. */
  skip?: number;
}

export interface SeedRunInput {
  id: string;
  displayName?: string;
  status: string;
  startTime: number;
  files: Readonly<Record<string, Uint8Array>>;
  /** "proxy" (default): mlflow-artifacts:/<exp>/<run>/artifacts; "s3": s3://bucket/<exp>/<run>/artifacts. */
  root?: "proxy" | "s3";
  deleted?: boolean;
  tags?: Record<string, string>;
  params?: Record<string, string>;
}

const HTML_500 = `<!doctype html>
<html lang=en>
<title>500 Internal Server Error</title>
<h1>Internal Server Error</h1>
<p>The server encountered an internal error and was unable to complete your request. Either the server is overloaded or there is an error in the application.</p>
`;
const HTML_404 = `<!doctype html>
<html lang=en>
<title>404 Not Found</title>
<h1>Not Found</h1>
<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>
`;

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

const pageToken = (offset: number) => Buffer.from(JSON.stringify({ offset })).toString("base64");
function readToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const offset = JSON.parse(Buffer.from(token, "base64").toString("utf8")).offset;
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid page token");
}

/** Response JSON the way MLflow writes it: NaN as "NaN", infinities already clamped on store. */
function toJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && Number.isNaN(v) ? "NaN" : v));
}

function metricOut(m: FakeMetric) {
  return { key: m.key, value: m.value, timestamp: m.timestamp, step: m.step };
}

function sameStored(a: FakeMetric, b: FakeMetric): boolean {
  return a.key === b.key && a.timestamp === b.timestamp && a.step === b.step;
}

export class FakeMlflowServer {
  readonly experiments = [
    { experiment_id: "1", name: "magtrack-test", artifact_location: "mlflow-artifacts:/1" },
  ];
  /** Experiment tags by experiment id (set-experiment-tag). */
  readonly experimentTags = new Map<string, Map<string, string>>();
  readonly runs = new Map<string, FakeRun>();
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  private server: Server | undefined;
  private createdRuns = 0;
  url = "";

  seed(runs: readonly SeedRunInput[]): void {
    for (const r of runs) {
      const root =
        r.root === "s3" ? `s3://bucket/1/${r.id}/artifacts` : `mlflow-artifacts:/1/${r.id}/artifacts`;
      this.runs.set(r.id, {
        runId: r.id,
        experimentId: "1",
        ...(r.displayName !== undefined ? { runName: r.displayName } : {}),
        status: r.status.toUpperCase(),
        startTime: r.startTime,
        lifecycleStage: r.deleted ? "deleted" : "active",
        artifactUri: root,
        tags: new Map(
          Object.entries({ ...(r.displayName ? { "mlflow.runName": r.displayName } : {}), ...r.tags }),
        ),
        params: new Map(Object.entries(r.params ?? {})),
        metrics: [],
        artifacts: new Map(Object.entries(r.files).map(([p, b]) => [p, Buffer.from(b)])),
      });
    }
  }

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        res.writeHead(500, { "Content-Type": "text/plain" });
        res.end(String(error));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    this.url = `http://127.0.0.1:${port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  /** Everything stored, as a comparable plain value. */
  snapshot(): unknown {
    const out: Record<string, unknown> = {};
    for (const run of [...this.runs.values()].sort((a, b) => (a.runId < b.runId ? -1 : 1))) {
      out[run.runId] = {
        tags: Object.fromEntries([...run.tags].sort()),
        metrics: run.metrics
          .map((m) => [m.key, m.step, m.timestamp, Number.isNaN(m.value) ? "NaN" : m.value])
          .sort((a, b) => String(a).localeCompare(String(b))),
        artifacts: Object.fromEntries(
          [...run.artifacts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, b]) => [p, b.toString("base64")]),
        ),
      };
    }
    return out;
  }

  requestsTo(path: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path === path);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const query = Object.fromEntries(url.searchParams);
    const path = decodeURIComponent(url.pathname);
    const record: RecordedRequest = {
      method: req.method ?? "",
      path,
      query,
      body: undefined,
      headers: req.headers,
    };
    this.requests.push(record);

    const faultIndex = this.faults.findIndex((f) => f.method === req.method && f.path === path);
    let fault: Fault | undefined;
    if (faultIndex >= 0) {
      const f = this.faults[faultIndex]!;
      if ((f.skip ?? 0) > 0) f.skip = (f.skip ?? 0) - 1;
      else fault = this.faults.splice(faultIndex, 1)[0];
    }
    const sendFault = (f: Fault) => {
      res.writeHead(f.status, { "Content-Type": f.contentType, ...f.headers });
      res.end(f.body);
    };
    if (fault?.when === "before") return sendFault(fault);

    const json = (status: number, body: unknown) => {
      if (fault?.when === "after") return sendFault(fault);
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(toJson(body));
    };
    try {
      let body: Record<string, unknown> = {};
      if (req.method === "POST") {
        const type = String(req.headers["content-type"] ?? "");
        if (!type.startsWith("application/json")) {
          throw new ApiError(
            400,
            "INVALID_PARAMETER_VALUE",
            "Bad Request. Content-Type must be one of ['application/json'].",
          );
        }
        try {
          body = raw.length === 0 ? {} : JSON.parse(raw.toString("utf8"));
        } catch {
          res.writeHead(500, { "Content-Type": "text/html; charset=utf-8" });
          res.end(HTML_500);
          return;
        }
        record.body = body;
      }
      const route = `${req.method} ${path}`;
      const api = "/api/2.0/mlflow/";
      if (path.startsWith("/api/2.0/mlflow-artifacts/artifacts/")) {
        return this.proxyArtifact(
          req.method ?? "",
          path.slice("/api/2.0/mlflow-artifacts/artifacts/".length),
          raw,
          res,
          json,
        );
      }
      switch (route) {
        case `GET ${api}experiments/get-by-name`: {
          const e = this.experiments.find((x) => x.name === query.experiment_name);
          if (!e)
            throw new ApiError(
              404,
              "RESOURCE_DOES_NOT_EXIST",
              `Could not find experiment with name '${query.experiment_name}'`,
            );
          return json(200, { experiment: this.experimentOut(e) });
        }
        case `GET ${api}experiments/get`: {
          const e = this.experiments.find((x) => x.experiment_id === query.experiment_id);
          if (!e)
            throw new ApiError(
              404,
              "RESOURCE_DOES_NOT_EXIST",
              `No Experiment with id=${query.experiment_id} exists`,
            );
          return json(200, { experiment: this.experimentOut(e) });
        }
        case `POST ${api}experiments/set-experiment-tag`: {
          this.setExperimentTag(body);
          return json(200, {});
        }
        case `POST ${api}runs/search`:
          return json(200, this.searchRuns(body));
        case `POST ${api}runs/create`:
          return json(200, { run: this.runOut(this.createRun(body)) });
        case `POST ${api}runs/update`: {
          // transcript §25: {run_id, status, end_time} → {"run_info": {...}} with the new status
          const run = this.activeRun(body.run_id);
          if (typeof body.status === "string") run.status = body.status;
          if (body.end_time !== undefined) run.endTime = Number(body.end_time);
          return json(200, { run_info: this.runOut(run).info });
        }
        case `GET ${api}runs/get`:
          return json(200, { run: this.runOut(this.getRun(query.run_id)) });
        case `GET ${api}artifacts/list`:
          return json(200, this.listArtifacts(query.run_id, query.path ?? ""));
        case `GET ${api}metrics/get-history`:
          return json(200, this.history(query));
        case `POST ${api}runs/log-batch`:
          this.logBatch(body);
          return json(200, {});
        case `POST ${api}runs/set-tag`: {
          const run = this.activeRun(body.run_id);
          const key = String(body.key ?? "");
          this.checkKey(key);
          run.tags.set(key, String(body.value ?? "").slice(0, 8000));
          return json(200, {});
        }
        case `POST ${api}runs/delete-tag`: {
          // service.proto DeleteTag {run_id, key} → {}; mlflow/store/tracking/sqlalchemy_store.py
          // SqlAlchemyStore.delete_tag: active runs only (_check_run_is_active), and a missing tag is
          // MlflowException("No tag with name: {key} in run with id {run_id}", RESOURCE_DOES_NOT_EXIST).
          const run = this.activeRun(body.run_id);
          const key = String(body.key ?? "");
          if (!run.tags.has(key)) {
            throw new ApiError(
              404,
              "RESOURCE_DOES_NOT_EXIST",
              `No tag with name: ${key} in run with id ${run.runId}`,
            );
          }
          run.tags.delete(key);
          return json(200, {});
        }
        case "GET /get-artifact": {
          const run = this.getRun(query.run_uuid);
          const file = run.artifacts.get(query.path ?? "");
          if (!file) {
            res.writeHead(500, { "Content-Type": "text/html; charset=utf-8" });
            res.end(HTML_500);
            return;
          }
          if (fault?.when === "after") return sendFault(fault);
          res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": file.length });
          res.end(file);
          return;
        }
        default:
          res.writeHead(404, { "Content-Type": "text/html; charset=utf-8" });
          res.end(HTML_404);
      }
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      res.writeHead(error.status, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ error_code: error.errorCode, message: error.message }));
    }
  }

  private experimentOut(e: (typeof this.experiments)[number]) {
    const tags = [...(this.experimentTags.get(e.experiment_id) ?? new Map<string, string>())];
    return {
      ...e,
      lifecycle_stage: "active",
      ...(tags.length > 0 ? { tags: tags.map(([key, value]) => ({ key, value })) } : {}),
    };
  }

  /**
   * Required fields as the proto's validate_required (the server's "Missing value for required
   * parameter" as in transcript §30); the key checked like every tag name, and the value limited to
   * 5000 characters (mlflow/utils/validation.py _validate_experiment_tag: _validate_tag_name, then
   * _validate_length_limit("Tag value", MAX_EXPERIMENT_TAG_VAL_LENGTH, value)).
   */
  private setExperimentTag(body: Record<string, unknown>): void {
    for (const field of ["experiment_id", "key", "value"]) {
      if (typeof body[field] !== "string") {
        throw new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Missing value for required parameter '${field}'. See the API docs for more information about request parameters.`,
        );
      }
    }
    const id = body.experiment_id as string;
    if (!this.experiments.some((x) => x.experiment_id === id)) {
      throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", `No Experiment with id=${id} exists`);
    }
    const key = body.key as string;
    const value = body.value as string;
    this.checkKey(key);
    if (value.length > 5000) {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `Tag value '${value.slice(0, 250)}' had length ${value.length}, which exceeded length limit of 5000`,
      );
    }
    const tags = this.experimentTags.get(id) ?? new Map<string, string>();
    tags.set(key, value);
    this.experimentTags.set(id, tags);
  }

  private getRun(runId: unknown): FakeRun {
    const run = typeof runId === "string" ? this.runs.get(runId) : undefined;
    if (!run) throw new ApiError(404, "RESOURCE_DOES_NOT_EXIST", `Run with id=${String(runId)} not found`);
    return run;
  }

  /**
   * runs/create as recorded from MLflow 3.6.1 (../shared/fixtures/mlflow-3.6-real/rest-transcript.md
   * §6): a 32-hex run id, status RUNNING, artifact root mlflow-artifacts:/<exp>/<run>/artifacts, the
   * given tags plus mlflow.runName; an unknown experiment fails (§31: FOREIGN KEY, 400 BAD_REQUEST).
   */
  private createRun(body: Record<string, unknown>): FakeRun {
    const experimentId = String(body.experiment_id ?? "");
    if (!this.experiments.some((e) => e.experiment_id === experimentId)) {
      throw new ApiError(400, "BAD_REQUEST", "(sqlite3.IntegrityError) FOREIGN KEY constraint failed");
    }
    this.createdRuns++;
    const runId = this.createdRuns.toString(16).padStart(32, "c");
    const runName = typeof body.run_name === "string" ? body.run_name : `run-${this.createdRuns}`;
    const tags = new Map<string, string>();
    for (const t of Array.isArray(body.tags) ? (body.tags as { key?: unknown; value?: unknown }[]) : []) {
      const key = String(t.key ?? "");
      this.checkKey(key);
      tags.set(key, String(t.value ?? "").slice(0, 8000));
    }
    tags.set("mlflow.runName", runName);
    const run: FakeRun = {
      runId,
      experimentId,
      runName,
      status: "RUNNING",
      startTime: Number(body.start_time ?? 0),
      lifecycleStage: "active",
      artifactUri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      tags,
      params: new Map(),
      metrics: [],
      artifacts: new Map(),
    };
    this.runs.set(runId, run);
    return run;
  }

  private activeRun(runId: unknown): FakeRun {
    const run = this.getRun(runId);
    if (run.lifecycleStage !== "active") {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `The run ${run.runId} must be in the 'active' state. Current state is deleted.`,
      );
    }
    return run;
  }

  private checkKey(key: string): void {
    if (!KEY_RE.test(key) || key.length > 250 || key.includes("..") || key.startsWith("/") || key === "") {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `Invalid value "${key}" for parameter 'name' supplied: Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).`,
      );
    }
  }

  private runOut(run: FakeRun) {
    const latest = new Map<string, FakeMetric>();
    for (const m of run.metrics) {
      const prev = latest.get(m.key);
      if (!prev || m.step > prev.step || (m.step === prev.step && m.timestamp >= prev.timestamp))
        latest.set(m.key, m);
    }
    const info = {
      run_uuid: run.runId,
      experiment_id: run.experimentId,
      ...(run.runName !== undefined ? { run_name: run.runName } : {}),
      user_id: "",
      status: run.status,
      start_time: run.startTime,
      ...(run.endTime !== undefined ? { end_time: run.endTime } : {}),
      artifact_uri: run.artifactUri,
      lifecycle_stage: run.lifecycleStage,
      run_id: run.runId,
    };
    const data: Record<string, unknown> = {};
    if (latest.size > 0) data.metrics = [...latest.values()].map(metricOut);
    if (run.params.size > 0) data.params = [...run.params].map(([key, value]) => ({ key, value }));
    if (run.tags.size > 0) data.tags = [...run.tags].map(([key, value]) => ({ key, value }));
    return { info, data, inputs: {}, outputs: {} };
  }

  private searchRuns(body: Record<string, unknown>) {
    const ids = body.experiment_ids;
    if (!Array.isArray(ids) || ids.some((x) => typeof x !== "string")) {
      throw new ApiError(400, "INVALID_PARAMETER_VALUE", "experiment_ids must be a list of strings");
    }
    const maxResults = body.max_results === undefined ? 1000 : Number(body.max_results);
    if (!Number.isSafeInteger(maxResults) || maxResults < 1 || maxResults > 50_000) {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `Invalid value ${maxResults} for parameter 'max_results'`,
      );
    }
    const predicate = parseFilter(typeof body.filter === "string" ? body.filter : "");
    const viewType = body.run_view_type ?? "ACTIVE_ONLY";
    let runs = [...this.runs.values()].filter(
      (r) =>
        ids.includes(r.experimentId) &&
        (viewType === "ALL" || (viewType === "DELETED_ONLY") === (r.lifecycleStage === "deleted")) &&
        predicate(r),
    );
    const order = Array.isArray(body.order_by) ? String(body.order_by[0] ?? "") : "";
    const asc = /start_time ASC/i.test(order);
    runs = runs.sort(
      (a, b) => (asc ? a.startTime - b.startTime : b.startTime - a.startTime) || (a.runId < b.runId ? -1 : 1),
    );
    const offset = readToken(typeof body.page_token === "string" ? body.page_token : undefined);
    const page = runs.slice(offset, offset + maxResults);
    return {
      ...(page.length > 0 ? { runs: page.map((r) => this.runOut(r)) } : {}),
      ...(offset + maxResults < runs.length ? { next_page_token: pageToken(offset + maxResults) } : {}),
    };
  }

  private listArtifacts(runId: string | undefined, dir: string) {
    const run = this.getRun(runId);
    if (dir.split("/").includes("..") || dir.startsWith("/"))
      throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid path");
    const prefix = dir === "" ? "" : `${dir.replace(/\/+$/, "")}/`;
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [path, bytes] of run.artifacts) {
      if (!path.startsWith(prefix)) continue;
      const rest = path.slice(prefix.length);
      const cut = rest.indexOf("/");
      if (cut < 0) entries.set(path, { path, is_dir: false, file_size: bytes.length });
      else entries.set(prefix + rest.slice(0, cut), { path: prefix + rest.slice(0, cut), is_dir: true });
    }
    const files = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    return { root_uri: run.artifactUri, ...(files.length > 0 ? { files } : {}) };
  }

  private history(query: Record<string, string>) {
    const run = this.getRun(query.run_id);
    // Upstream bug since 3.1: without max_results the answer is empty with a token back to offset 0.
    if (query.max_results === undefined) return { next_page_token: pageToken(0) };
    const max = Number(query.max_results);
    const all = run.metrics
      .filter((m) => m.key === query.metric_key)
      .sort((a, b) => a.step - b.step || a.timestamp - b.timestamp);
    const offset = readToken(query.page_token);
    const page = all.slice(offset, offset + max);
    return {
      ...(page.length > 0 ? { metrics: page.map(metricOut) } : {}),
      ...(offset + max < all.length ? { next_page_token: pageToken(offset + max) } : {}),
    };
  }

  private logBatch(body: Record<string, unknown>): void {
    const run = this.activeRun(body.run_id);
    const metrics = (body.metrics ?? []) as Record<string, unknown>[];
    const params = (body.params ?? []) as Record<string, unknown>[];
    const tags = (body.tags ?? []) as Record<string, unknown>[];
    if (metrics.length > 1000) {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `A batch logging request can contain at most 1000 metrics. Got ${metrics.length} metrics. Please split up metrics across multiple requests and try again.`,
      );
    }
    if (params.length > 100)
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `A batch logging request can contain at most 100 params. Got ${params.length} params.`,
      );
    if (tags.length > 100)
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `A batch logging request can contain at most 100 tags. Got ${tags.length} tags.`,
      );
    const total = metrics.length + params.length + tags.length;
    if (total > 1000) {
      throw new ApiError(
        400,
        "INVALID_PARAMETER_VALUE",
        `A batch logging request can contain at most 1000 metrics, params, and tags. Got ${total} metrics, params, and tags.`,
      );
    }
    // Validate everything first: the batch is one transaction.
    const incoming: FakeMetric[] = metrics.map((m, i) => {
      const key = String(m.key ?? "");
      this.checkKey(key);
      if (m.value === null || m.value === undefined) {
        throw new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Missing value for required parameter 'metrics[${i}].value'. See the API docs for more information about request parameters.`,
        );
      }
      let value: number;
      if (typeof m.value === "number") value = m.value;
      else if (m.value === "NaN") value = Number.NaN;
      else if (m.value === "Infinity") value = DBL_MAX;
      else if (m.value === "-Infinity") value = -DBL_MAX;
      else
        throw new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Invalid value "${String(m.value)}" for parameter 'metrics[${i}].value' supplied`,
        );
      if (typeof m.timestamp !== "number") {
        throw new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Missing value for required parameter 'metrics[${i}].timestamp'.`,
        );
      }
      return { key, value, timestamp: m.timestamp, step: typeof m.step === "number" ? m.step : 0 };
    });
    const toStore: FakeMetric[] = [];
    for (const m of incoming) {
      const clash = [...run.metrics, ...toStore].filter((s) => sameStored(s, m));
      if (clash.some((s) => s.value === m.value)) continue; // identical finite point: de-duplicated
      if (clash.some((s) => Number.isNaN(s.value) && Number.isNaN(m.value))) {
        throw new ApiError(
          400,
          "BAD_REQUEST",
          "(sqlite3.IntegrityError) UNIQUE constraint failed: metrics.key, metrics.timestamp, metrics.step, metrics.run_uuid, metrics.value, metrics.is_nan",
        );
      }
      toStore.push(m);
    }
    for (const t of tags) this.checkKey(String(t.key ?? ""));
    // Params are immutable: re-logging the same value is accepted, a different value is refused and
    // nothing of the batch is stored (../shared/fixtures/mlflow-3.6-real/rest-transcript.md §39,
    // "Changing param values is not allowed"; the same check runs for runs/log-batch in
    // mlflow/store/tracking/sqlalchemy_store.py _log_params, which fails the whole transaction).
    for (const p of params) {
      const key = String(p.key ?? "");
      this.checkKey(key);
      const had = run.params.get(key);
      const value = String(p.value ?? "");
      if (had !== undefined && had !== value) {
        throw new ApiError(
          400,
          "INVALID_PARAMETER_VALUE",
          `Changing param values is not allowed. Param with key='${key}' was already logged with value='${had}' for run ID='${run.runId}'. Attempted logging new value '${value}'.`,
        );
      }
    }
    run.metrics.push(...toStore);
    for (const t of tags) run.tags.set(String(t.key), String(t.value ?? "").slice(0, 8000));
    for (const p of params) run.params.set(String(p.key), String(p.value ?? "").slice(0, 6000));
  }

  private proxyArtifact(
    method: string,
    proxyPath: string,
    raw: Buffer,
    res: ServerResponse,
    json: (status: number, body: unknown) => void,
  ): void {
    const m = /^([^/]+)\/([^/]+)\/artifacts\/(.+)$/.exec(proxyPath);
    if (!m || m[3]!.split("/").some((s) => s === ".." || s === ".")) {
      throw new ApiError(400, "INVALID_PARAMETER_VALUE", "Invalid path");
    }
    const run = this.getRun(m[2]);
    const path = m[3]!;
    if (method === "PUT") {
      run.artifacts.set(path, raw);
      json(200, {});
      return;
    }
    const file = run.artifacts.get(path);
    if (!file) {
      throw new ApiError(
        500,
        "INTERNAL_ERROR",
        `The following failures occurred while downloading one or more artifacts from <artifacts-root>:\n##### File ${proxyPath} #####\n[Errno 2] No such file or directory: '<artifacts-root>/${proxyPath}'`,
      );
    }
    res.writeHead(200, { "Content-Type": "application/octet-stream", "Content-Length": file.length });
    res.end(file);
  }
}

/** The subset of MLflow's search grammar the adapter sends; anything else is refused like the server does. */
function parseFilter(filter: string): (run: FakeRun) => boolean {
  if (filter.trim() === "") return () => true;
  const tests = filter.split(/\s+and\s+/i).map((clause): ((run: FakeRun) => boolean) => {
    const c = clause.trim();
    let m = /^attributes\.start_time\s*(>=|<=|>|<|=)\s*(\d+)$/.exec(c);
    if (m) {
      const [op, n] = [m[1], Number(m[2])];
      return (r) =>
        op === ">="
          ? r.startTime >= n
          : op === "<="
            ? r.startTime <= n
            : op === ">"
              ? r.startTime > n
              : op === "<"
                ? r.startTime < n
                : r.startTime === n;
    }
    m = /^attributes\.status\s*=\s*'([^']*)'$/.exec(c);
    if (m) return (r) => r.status === m![1];
    m = /^attributes\.run_id\s+IN\s*\(([^)]*)\)$/i.exec(c);
    if (m) {
      const ids = m[1]!.split(",").map((s) => s.trim().replace(/^'|'$/g, ""));
      return (r) => ids.includes(r.runId);
    }
    m = /^tags\.(?:`([^`]+)`|([\w.]+))\s*=\s*'([^']*)'$/.exec(c);
    if (m) {
      const key = m[1] ?? m[2]!;
      return (r) => r.tags.get(key) === m![3];
    }
    throw new ApiError(400, "INVALID_PARAMETER_VALUE", `Invalid clause(s) in filter string: '${c}'`);
  });
  return (run) => tests.every((t) => t(run));
}
