/**
 * A small typed client for the MLflow REST endpoints this adapter uses, on the shared transport.
 * Every method takes an AbortSignal. "Not found" (RESOURCE_DOES_NOT_EXIST) is returned as null
 * where absence is a normal answer; everything else throws TrackerError.
 */
import { type HttpClient, isTrackerError, MagtrackError } from "../../src/adapter-kit.js";
import { encodeMlflowJson } from "./mlflow-json.js";
import type {
  CreateRunRequest,
  ListArtifactsResponse,
  LogBatchRequest,
  MetricHistoryResponse,
  SearchRunsRequest,
  SearchRunsResponse,
  WireExperiment,
  WireFileInfo,
  WireMetric,
  WireRun,
} from "./wire.js";

const API = "api/2.0/mlflow";
const ARTIFACTS_API = "api/2.0/mlflow-artifacts/artifacts";
/** Page size for metrics/get-history; the Python client sends 25000. Never omit it (server loops). */
export const HISTORY_PAGE = 25_000;
/** Guard against a paginator that never ends (a server repeating a token). */
const MAX_PAGES = 100_000;

export interface MlflowClient {
  getExperimentByName(name: string, signal?: AbortSignal): Promise<WireExperiment | null>;
  getExperiment(id: string, signal?: AbortSignal): Promise<WireExperiment | null>;
  searchRuns(req: SearchRunsRequest, signal?: AbortSignal): Promise<SearchRunsResponse>;
  getRun(runId: string, signal?: AbortSignal): Promise<WireRun | null>;
  /** One directory level (recursion is the caller's); follows next_page_token if a server sends one. */
  listArtifacts(
    runId: string,
    path: string,
    signal?: AbortSignal,
  ): Promise<{ rootUri?: string; files: WireFileInfo[] }>;
  /** Full history of one metric (all pages, max_results always set). */
  getMetricHistory(runId: string, key: string, signal?: AbortSignal): Promise<WireMetric[]>;
  logBatch(req: LogBatchRequest, signal?: AbortSignal): Promise<void>;
  /** runs/create (transcript §6): only for magtrack's own report run, never a training run. */
  createRun(req: CreateRunRequest, signal?: AbortSignal): Promise<WireRun>;
  /** runs/update (transcript §25): status / end time of magtrack's own report run. */
  updateRun(runId: string, status: string, endTime: number, signal?: AbortSignal): Promise<void>;
  setTag(runId: string, key: string, value: string, signal?: AbortSignal): Promise<void>;
  /**
   * POST runs/delete-tag {run_id, key} (service.proto DeleteTag). A tag that is already gone is
   * RESOURCE_DOES_NOT_EXIST on the server (mlflow/store/tracking/sqlalchemy_store.py delete_tag):
   * taken as done, so deleting twice is harmless.
   */
  deleteTag(runId: string, key: string, signal?: AbortSignal): Promise<void>;
  /** experiments/set-experiment-tag (service.proto SetExperimentTag): replaces the tag's value. */
  setExperimentTag(experimentId: string, key: string, value: string, signal?: AbortSignal): Promise<void>;
  /** GET through the artifact proxy; `proxyPath` is "<exp>/<run>/artifacts/<path>". */
  downloadViaProxy(proxyPath: string, maxBytes: number, signal?: AbortSignal): Promise<Uint8Array>;
  /** GET /get-artifact?path=&run_uuid= (roots the server can read but does not proxy). */
  downloadViaGetArtifact(
    runId: string,
    path: string,
    maxBytes: number,
    signal?: AbortSignal,
  ): Promise<Uint8Array>;
  uploadViaProxy(
    proxyPath: string,
    body: string | Uint8Array,
    contentType: string,
    signal?: AbortSignal,
  ): Promise<void>;
}

/** Percent-encode each segment of an artifact path, keeping the "/" separators. */
export function encodePath(path: string): string {
  return path
    .split("/")
    .filter((s) => s !== "")
    .map(encodeURIComponent)
    .join("/");
}

function isNotFound(error: unknown): boolean {
  return isTrackerError(error) && (error.errorCode === "RESOURCE_DOES_NOT_EXIST" || error.status === 404);
}

export function createMlflowClient(http: HttpClient): MlflowClient {
  const postJson = async <T>(endpoint: string, body: unknown, signal?: AbortSignal): Promise<T> =>
    (
      await http.request<T>({
        method: "POST",
        path: `${API}/${endpoint}`,
        body: encodeMlflowJson(body),
        contentType: "application/json",
        signal,
      })
    ).data;

  return {
    async getExperimentByName(name, signal) {
      try {
        const res = await http.json<{ experiment?: WireExperiment }>(
          "GET",
          `${API}/experiments/get-by-name`,
          {
            query: { experiment_name: name },
            signal,
          },
        );
        return res?.experiment ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async getExperiment(id, signal) {
      try {
        const res = await http.json<{ experiment?: WireExperiment }>("GET", `${API}/experiments/get`, {
          query: { experiment_id: id },
          signal,
        });
        return res?.experiment ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async searchRuns(req, signal) {
      return (await postJson<SearchRunsResponse | null>("runs/search", req, signal)) ?? {};
    },

    async getRun(runId, signal) {
      try {
        const res = await http.json<{ run?: WireRun }>("GET", `${API}/runs/get`, {
          query: { run_id: runId },
          signal,
        });
        return res?.run ?? null;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    async listArtifacts(runId, path, signal) {
      const files: WireFileInfo[] = [];
      let rootUri: string | undefined;
      let token: string | undefined;
      const seen = new Set<string>();
      for (let page = 0; page < MAX_PAGES; page++) {
        const res =
          (await http.json<ListArtifactsResponse | null>("GET", `${API}/artifacts/list`, {
            query: { run_id: runId, path: path === "" ? undefined : path, page_token: token },
            signal,
          })) ?? {};
        rootUri ??= res.root_uri;
        files.push(...(res.files ?? []));
        token = res.next_page_token;
        if (token === undefined || token === "") return { rootUri, files };
        if (seen.has(token)) throw paginationLoop("artifacts/list", runId);
        seen.add(token);
      }
      throw paginationLoop("artifacts/list", runId);
    },

    async getMetricHistory(runId, key, signal) {
      const out: WireMetric[] = [];
      let token: string | undefined;
      const seen = new Set<string>();
      for (let page = 0; page < MAX_PAGES; page++) {
        const res =
          (await http.json<MetricHistoryResponse | null>("GET", `${API}/metrics/get-history`, {
            query: { run_id: runId, metric_key: key, max_results: HISTORY_PAGE, page_token: token },
            signal,
          })) ?? {};
        const metrics = res.metrics ?? [];
        out.push(...metrics);
        token = res.next_page_token;
        if (token === undefined || token === "") return out;
        // An empty page that still points onward is the upstream offset-0 bug: stop, don't spin.
        if (metrics.length === 0 || seen.has(token)) throw paginationLoop("metrics/get-history", runId);
        seen.add(token);
      }
      throw paginationLoop("metrics/get-history", runId);
    },

    async logBatch(req, signal) {
      await postJson("runs/log-batch", req, signal);
    },

    async createRun(req, signal) {
      const res = await postJson<{ run?: WireRun } | null>("runs/create", req, signal);
      if (!res?.run) {
        throw new MagtrackError(
          "tracker",
          "MLFLOW_BAD_RESPONSE",
          "MLflow runs/create answered without a run",
        );
      }
      return res.run;
    },

    async updateRun(runId, status, endTime, signal) {
      await postJson("runs/update", { run_id: runId, status, end_time: endTime }, signal);
    },

    async setTag(runId, key, value, signal) {
      await postJson("runs/set-tag", { run_id: runId, key, value }, signal);
    },

    async deleteTag(runId, key, signal) {
      try {
        await postJson("runs/delete-tag", { run_id: runId, key }, signal);
      } catch (error) {
        if (isTrackerError(error) && error.errorCode === "RESOURCE_DOES_NOT_EXIST") return;
        throw error;
      }
    },

    async setExperimentTag(experimentId, key, value, signal) {
      await postJson("experiments/set-experiment-tag", { experiment_id: experimentId, key, value }, signal);
    },

    async downloadViaProxy(proxyPath, maxBytes, signal) {
      return http.download(`${ARTIFACTS_API}/${encodePath(proxyPath)}`, { maxBytes, signal });
    },

    async downloadViaGetArtifact(runId, path, maxBytes, signal) {
      return http.download("get-artifact", { query: { path, run_uuid: runId }, maxBytes, signal });
    },

    async uploadViaProxy(proxyPath, body, contentType, signal) {
      await http.request({
        method: "PUT",
        path: `${ARTIFACTS_API}/${encodePath(proxyPath)}`,
        body,
        contentType,
        signal,
      });
    },
  };
}

function paginationLoop(endpoint: string, runId: string): MagtrackError {
  return new MagtrackError(
    "tracker",
    "MLFLOW_PAGINATION_LOOP",
    `MLflow ${endpoint} for run ${runId}: the server keeps returning a page token without progress; stopped`,
  );
}
