/**
 * The W&B adapter. Reads runs, activation files (artifacts of type `activations` and run files
 * matching the pattern) and the results magtrack wrote; writes results into finished/failed runs
 * with one wandb-core-style resume session per run (see write-session.ts). Running runs are
 * deferred. The API key goes only to the base URL, never to signed storage URLs.
 */
import { createHash } from "node:crypto";
import {
  type ActivationRef,
  compileFilePatterns,
  createHttpClient,
  DEFAULT_ACTIVATION_PATTERN,
  DEFAULT_TRAJECTORY_PATTERN,
  type HttpClientOptions,
  MagtrackError,
  type ResultBatch,
  type RunFilter,
  type RunRef,
  type RunState,
  type TrackerAdapter,
  type WriteReport,
} from "../../src/adapter-kit.js";
import { listActivationRefs, refreshDirectUrl } from "./activations.js";
import { createWandbApi } from "./api.js";
import { readWrittenResults } from "./history-scan.js";
import { readResumeStatus } from "./resume-status.js";
import { readMagtrackConfig } from "./run-config.js";
import { listRuns } from "./runs.js";
import { type SessionContext, writeSession } from "./write-session.js";

export interface WandbAdapterOptions {
  readonly apiKey: string;
  readonly entity: string;
  readonly project: string;
  /** Default https://api.wandb.ai (WANDB_BASE_URL for self-hosted servers). */
  readonly baseUrl?: string;
  readonly pattern?: string;
  /** Logged weight windows (docs/trajectory.md); default DEFAULT_TRAJECTORY_PATTERN, null: none. */
  readonly trajectoryPattern?: string | null;
  /** Refuse activation files larger than this (bytes). */
  readonly maxFileBytes?: number;
  /** History lines per filestream post (W&B limits request sizes; 413 is not retried). */
  readonly linesPerPost?: number;
  /** Approximate bytes of history per filestream post (default 4 MiB). */
  readonly bytesPerPost?: number;
  /** Transport settings (timeouts, retry policy; tests inject sleep). */
  readonly http?: Partial<Omit<HttpClientOptions, "baseUrl" | "service" | "auth">>;
  readonly now?: () => number;
  /** Waits between read-back attempts after writing (default 1, 2, 4, 8 s). */
  readonly verifyDelaysMs?: readonly number[];
}

export const DEFAULT_WANDB_BASE_URL = "https://api.wandb.ai";

const RUNNING_STATES = new Set(["running", "scheduled"]);

export function createWandbAdapter(options: WandbAdapterOptions): TrackerAdapter {
  if (!options.apiKey) {
    throw new MagtrackError(
      "auth",
      "WANDB_NO_KEY",
      "W&B API key missing: set WANDB_API_KEY or run `wandb login`",
    );
  }
  if (!options.entity || !options.project) {
    throw new MagtrackError(
      "usage",
      "WANDB_NO_PROJECT",
      "W&B needs --entity and --project (or WANDB_ENTITY / WANDB_PROJECT)",
    );
  }
  const baseUrl = options.baseUrl ?? DEFAULT_WANDB_BASE_URL;
  const http = createHttpClient({
    ...options.http,
    baseUrl,
    service: "W&B",
    auth: { type: "basic", username: "api", password: options.apiKey },
  });
  const api = createWandbApi(http, [options.apiKey]);
  const { entity, project } = options;
  const match = compileFilePatterns(
    options.pattern ?? DEFAULT_ACTIVATION_PATTERN,
    options.trajectoryPattern === undefined ? DEFAULT_TRAJECTORY_PATTERN : options.trajectoryPattern,
  );
  const maxFileBytes = options.maxFileBytes ?? 2 ** 31;
  const ctx: SessionContext = {
    api,
    entity,
    project,
    linesPerPost: options.linesPerPost ?? 500,
    bytesPerPost: options.bytesPerPost ?? 4 * 1024 * 1024,
    maxTableBytes: 512 * 1024 * 1024,
    now: options.now ?? Date.now,
    verifyDelaysMs: options.verifyDelaysMs ?? [1000, 2000, 4000, 8000],
  };

  return {
    name: "wandb",

    listRuns(filter: RunFilter, signal?: AbortSignal): AsyncIterable<RunRef> {
      return listRuns(api, entity, project, filter, signal);
    },

    async *listActivations(run: RunRef, signal?: AbortSignal): AsyncIterable<ActivationRef> {
      yield* await listActivationRefs(api, entity, project, run, match, signal);
    },

    async readActivation(ref: ActivationRef, signal?: AbortSignal): Promise<Uint8Array> {
      const url = ref.extra?.directUrl;
      if (typeof url !== "string") {
        throw new MagtrackError(
          "tracker",
          "WANDB_NO_URL",
          `${ref.path}: no download URL (list the run's activations first)`,
        );
      }
      if (ref.size !== undefined && ref.size > maxFileBytes) {
        throw new MagtrackError(
          "format",
          "TOO_LARGE",
          `${ref.run.id}/${ref.path}: ${ref.size} bytes exceeds the limit of ${maxFileBytes} (raise it with --max-file-bytes)`,
        );
      }
      let bytes: Uint8Array;
      try {
        bytes = await api.downloadSigned(url, maxFileBytes, signal);
      } catch (error) {
        // An expired signature answers 400/401/403: ask W&B for a fresh URL once.
        const status = (error as { status?: number }).status;
        if (status !== 400 && status !== 401 && status !== 403) throw error;
        const fresh = await refreshDirectUrl(api, entity, project, ref, signal);
        if (!fresh) throw error;
        bytes = await api.downloadSigned(fresh, maxFileBytes, signal);
      }
      if (ref.size !== undefined && bytes.byteLength !== ref.size) {
        throw new MagtrackError(
          "tracker",
          "WANDB_SIZE_MISMATCH",
          `${ref.run.id}/${ref.path}: downloaded ${bytes.byteLength} bytes, W&B lists ${ref.size}`,
        );
      }
      if (ref.digest?.startsWith("md5:")) {
        const md5 = createHash("md5").update(bytes).digest("base64");
        if (`md5:${md5}` !== ref.digest) {
          throw new MagtrackError(
            "tracker",
            "WANDB_MD5_MISMATCH",
            `${ref.run.id}/${ref.path}: md5 differs from the one W&B lists`,
          );
        }
      }
      return bytes;
    },

    async readState(run: RunRef, signal?: AbortSignal): Promise<RunState> {
      const status = await readResumeStatus(api, entity, project, run.id, signal);
      if (!status) return { references: {}, written: [] };
      const magtrack = readMagtrackConfig(status.config);
      const written = await readWrittenResults(
        api,
        entity,
        project,
        run.id,
        { start: magtrack.historyStart, nextStep: status.nextStep },
        signal,
      );
      return {
        references: magtrack.references,
        written,
        ...(magtrack.settings ? { settings: magtrack.settings } : {}),
        // a pending marker means a session died before it closed: writeResults finishes it
        ...(magtrack.pending ? { unfinishedWrite: true } : {}),
      };
    },

    writeResults(run: RunRef, batch: ResultBatch, signal?: AbortSignal): Promise<WriteReport> {
      return writeSession(ctx, run, batch, signal);
    },

    deferReason(run: RunRef): string | null {
      const state = typeof run.extra?.state === "string" ? run.extra.state : run.status;
      if (RUNNING_STATES.has(run.status)) {
        return `W&B run is ${state}: results are written after it finishes (a write session would interleave with its history)`;
      }
      if (run.status === "finished" || run.status === "failed") return null;
      if (run.extra?.pendingSession) return null; // an interrupted magtrack session: finish it
      return `W&B run is ${state}: completing a write session would mark it finished; magtrack writes only into finished or failed runs`;
    },
  };
}
