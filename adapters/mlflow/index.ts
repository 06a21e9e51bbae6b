/**
 * The MLflow adapter: activations from run artifacts in, magnitude metrics, tags, charts and the
 * curves table back into the same run. Talks to a tracking server over REST (see client.ts);
 * imports only the public adapter kit.
 */
import {
  type ActivationRef,
  compileFilePatterns,
  createHttpClient,
  DEFAULT_ACTIVATION_PATTERN,
  DEFAULT_TRAJECTORY_PATTERN,
  type HttpAuth,
  type HttpClient,
  MagtrackError,
  type ResultBatch,
  type RetryInfo,
  type RetryOptions,
  type RunFilter,
  type RunRef,
  type RunState,
  type TrackerAdapter,
  type WriteReport,
} from "../../src/adapter-kit.js";
import { mlflowAlerts } from "./alerts.js";
import { joinArtifactPath, listingPlan, proxyRootOf, walkArtifacts } from "./artifacts.js";
import { createMlflowClient, type MlflowClient } from "./client.js";
import { type MlflowFlags, resolveConnection } from "./config.js";
import { mlflowExperimentScales } from "./experiment-scale.js";
import { mlflowFailures } from "./failures.js";
import { mlflowLease } from "./lease.js";
import { isReportRun, writeMlflowReportRun } from "./report-run.js";
import { mlflowRunParams, readMlflowRunMetrics } from "./run-metrics.js";
import { buildSearchFilter, matchesRunFilter, runRefOf } from "./runs.js";
import { readRunState } from "./state.js";
import type { WireExperiment } from "./wire.js";
import { type ArtifactMode, writeRunResults } from "./write.js";

export type { MlflowFlags } from "./config.js";
export type { ArtifactMode } from "./write.js";

export interface MlflowAdapterOptions {
  /** Tracking server base URL (no credentials in it: use `auth`). */
  readonly trackingUri: string;
  readonly auth?: HttpAuth;
  /** Experiment by name, or by id (ids are strings; never parsed as numbers). One is required. */
  readonly experimentName?: string;
  readonly experimentId?: string;
  readonly pattern?: string;
  /** Logged weight windows (docs/trajectory.md); default DEFAULT_TRAJECTORY_PATTERN, null: none. */
  readonly trajectoryPattern?: string | null;
  /** Refuse activation files larger than this many bytes (before/while downloading). */
  readonly maxFileBytes?: number;
  /** Stop walking a run's artifacts past this many entries. */
  readonly maxEntriesPerRun?: number;
  /** runs/search page size (default 1000); RunFilter.pageSize wins. */
  readonly pageSize?: number;
  /** Charts/table upload: "auto" (when proxied, else warn), "require", "off". */
  readonly artifacts?: ArtifactMode;
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  readonly warn?: (message: string) => void;
  readonly onRetry?: (info: RetryInfo) => void;
  /** Injectable for tests. */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly http?: HttpClient;
}

const DEFAULT_MAX_FILE_BYTES = 2 ** 31;
const DEFAULT_PAGE_SIZE = 1000;
const MAX_TABLE_BYTES = 256 * 1024 * 1024;

export function createMlflowAdapter(options: MlflowAdapterOptions): TrackerAdapter {
  if (options.experimentName === undefined && options.experimentId === undefined) {
    throw new MagtrackError(
      "config",
      "MLFLOW_NO_EXPERIMENT",
      "MLflow: name the experiment with --experiment <name> (or MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID)",
    );
  }
  const http =
    options.http ??
    createHttpClient({
      baseUrl: options.trackingUri,
      service: "MLflow",
      auth: options.auth,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      sleep: options.sleep,
      onRetry: options.onRetry,
    });
  const client: MlflowClient = createMlflowClient(http);
  const pattern = options.pattern ?? DEFAULT_ACTIVATION_PATTERN;
  const trajectoryPattern =
    options.trajectoryPattern === undefined ? DEFAULT_TRAJECTORY_PATTERN : options.trajectoryPattern;
  const match = compileFilePatterns(pattern, trajectoryPattern);
  // One walk per pattern's literal start directory ("activations", "trajectory"); the same start once.
  const plans = [pattern, ...(trajectoryPattern === null ? [] : [trajectoryPattern])]
    .map(listingPlan)
    .filter((p, i, all) => all.findIndex((q) => q.start === p.start) === i)
    .map((p, _, all) => ({
      ...p,
      depth: Math.max(...all.filter((q) => q.start === p.start).map((q) => q.depth)),
    }));
  const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const warn = options.warn ?? ((m: string) => process.emitWarning(m, "MagtrackMlflow"));
  let experiment: Promise<WireExperiment> | undefined;

  async function resolveExperiment(signal?: AbortSignal): Promise<WireExperiment> {
    if (options.experimentId !== undefined) {
      const found = await client.getExperiment(options.experimentId, signal);
      if (found) return found;
      throw new MagtrackError(
        "config",
        "MLFLOW_EXPERIMENT_NOT_FOUND",
        `MLflow: no experiment with id ${options.experimentId}`,
      );
    }
    const name = options.experimentName!;
    const byName = await client.getExperimentByName(name, signal);
    if (byName) return byName;
    if (/^\d+$/.test(name)) {
      const byId = await client.getExperiment(name, signal);
      if (byId) return byId;
    }
    throw new MagtrackError("config", "MLFLOW_EXPERIMENT_NOT_FOUND", `MLflow: no experiment named "${name}"`);
  }

  const experimentOnce = (signal?: AbortSignal) => {
    experiment ??= resolveExperiment(signal).catch((error) => {
      experiment = undefined; // a transient failure must not stick
      throw error;
    });
    return experiment;
  };

  return {
    name: "mlflow",
    // Run lease for several machines (a run tag; see lease.ts and src/sync/lease.ts).
    ...mlflowLease(client),
    // Known failures (a run tag; see failures.ts and src/sync/known-failures.ts).
    ...mlflowFailures(client, warn),
    // Raised alerts (one run tag each; see alerts.ts, docs/alerts.md).
    ...mlflowAlerts(client),
    // One T per (experiment, layer) as experiment tags (experiment-scale.ts, docs/scale.md).
    ...mlflowExperimentScales(client, experimentOnce),

    async *listRuns(filter: RunFilter, signal?: AbortSignal): AsyncIterable<RunRef> {
      const exp = await experimentOnce(signal);
      const serverFilter = buildSearchFilter(filter);
      const maxResults = filter.pageSize ?? options.pageSize ?? DEFAULT_PAGE_SIZE;
      const seenTokens = new Set<string>();
      const seenRuns = new Set<string>();
      let token: string | undefined;
      do {
        signal?.throwIfAborted();
        const page = await client.searchRuns(
          {
            experiment_ids: [exp.experiment_id],
            ...(serverFilter ? { filter: serverFilter } : {}),
            run_view_type: "ACTIVE_ONLY",
            max_results: maxResults,
            order_by: ["attributes.start_time ASC"],
            ...(token ? { page_token: token } : {}),
          },
          signal,
        );
        for (const wire of page.runs ?? []) {
          if (wire.info.lifecycle_stage === "deleted") continue;
          const ref = runRefOf(wire);
          if (ref.id === "" || seenRuns.has(ref.id) || !matchesRunFilter(ref, filter)) continue;
          if (isReportRun(ref.tags)) continue; // magtrack's cross-run report run, not a training run
          seenRuns.add(ref.id);
          yield ref;
        }
        token = page.next_page_token;
        if (token !== undefined && token !== "") {
          if (seenTokens.has(token)) {
            throw new MagtrackError(
              "tracker",
              "MLFLOW_PAGINATION_LOOP",
              `MLflow runs/search: the server repeated a page token; stopped`,
            );
          }
          seenTokens.add(token);
        }
      } while (token !== undefined && token !== "");
    },

    async *listActivations(run: RunRef, signal?: AbortSignal): AsyncIterable<ActivationRef> {
      let rootUri: string | undefined;
      const files = [];
      for (const plan of plans) {
        const walked = await walkArtifacts(
          client,
          run.id,
          plan.start,
          { maxDepth: plan.depth, maxEntries: options.maxEntriesPerRun ?? 200_000 },
          signal,
        );
        rootUri ??= walked.rootUri;
        files.push(...walked.files);
      }
      const seen = new Set<string>();
      const artifactUri = (run.extra?.artifactUri as string | undefined) ?? rootUri;
      const found: ActivationRef[] = [];
      for (const f of files) {
        const m = match(f.path);
        if (!m || seen.has(f.path)) continue; // a root-level walk may also reach trajectory/
        seen.add(f.path);
        found.push({
          run,
          layer: m.layer,
          step: m.step,
          path: f.path,
          format: m.format,
          ...(m.family ? { family: m.family } : {}),
          ...(f.file_size !== undefined ? { size: f.file_size, digest: `size=${f.file_size}` } : {}),
          extra: { artifactUri },
        });
      }
      found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
      yield* found;
    },

    async readActivation(ref: ActivationRef, signal?: AbortSignal): Promise<Uint8Array> {
      if (ref.size !== undefined && ref.size > maxFileBytes) {
        throw new MagtrackError(
          "format",
          "TOO_LARGE",
          `MLflow run ${ref.run.id} artifact ${ref.path}: ${ref.size} bytes exceeds the limit of ${maxFileBytes} (raise it with --max-file-bytes)`,
        );
      }
      const artifactUri = (ref.extra?.artifactUri ?? ref.run.extra?.artifactUri) as string | undefined;
      const root = proxyRootOf(artifactUri);
      return root !== null
        ? client.downloadViaProxy(joinArtifactPath(root, ref.path), maxFileBytes, signal)
        : client.downloadViaGetArtifact(ref.run.id, ref.path, maxFileBytes, signal);
    },

    async readState(run: RunRef, signal?: AbortSignal): Promise<RunState> {
      const wire = await client.getRun(run.id, signal);
      if (wire === null || wire.info.lifecycle_stage === "deleted") return { references: {}, written: [] };
      return readRunState(client, wire, { maxTableBytes: MAX_TABLE_BYTES }, signal);
    },

    async readRunMetrics(run: RunRef, keep: (key: string) => boolean, signal?: AbortSignal) {
      return readMlflowRunMetrics(client, await client.getRun(run.id, signal), keep, signal);
    },

    async readRunParams(run: RunRef, signal?: AbortSignal) {
      return mlflowRunParams(await client.getRun(run.id, signal));
    },

    async writeExperimentReport(report, signal) {
      return writeMlflowReportRun(client, await experimentOnce(signal), report, options.trackingUri, signal);
    },

    async writeResults(run: RunRef, batch: ResultBatch, signal?: AbortSignal): Promise<WriteReport> {
      return writeRunResults(client, run, batch, { artifacts: options.artifacts ?? "auto", warn }, signal);
    },
  };
}

/**
 * Build the adapter for `magtrack … --tracker mlflow` from the environment and CLI flags
 * (see config.ts for the variables). Throws MagtrackError kind "config" on missing settings.
 */
export function mlflowAdapterFromEnv(
  env: Readonly<Record<string, string | undefined>>,
  flags: MlflowFlags = {},
  extra: Partial<Pick<MlflowAdapterOptions, "warn" | "onRetry" | "artifacts" | "retry">> = {},
): TrackerAdapter {
  const connection = resolveConnection(flags.trackingUri ?? env.MLFLOW_TRACKING_URI, env);
  const experimentId =
    flags.experimentId ?? (flags.experiment === undefined ? env.MLFLOW_EXPERIMENT_ID : undefined);
  const experimentName =
    flags.experiment ?? (experimentId === undefined ? env.MLFLOW_EXPERIMENT_NAME : undefined);
  return createMlflowAdapter({
    trackingUri: connection.baseUrl,
    auth: connection.auth,
    ...(experimentId !== undefined ? { experimentId } : {}),
    ...(experimentName !== undefined ? { experimentName } : {}),
    ...(flags.pattern !== undefined ? { pattern: flags.pattern } : {}),
    ...(flags.trajectoryPattern !== undefined ? { trajectoryPattern: flags.trajectoryPattern } : {}),
    ...(flags.timeoutMs !== undefined ? { timeoutMs: flags.timeoutMs } : {}),
    ...(flags.maxFileBytes !== undefined ? { maxFileBytes: flags.maxFileBytes } : {}),
    ...extra,
  });
}
