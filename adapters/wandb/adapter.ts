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
  compilePattern,
  createHttpClient,
  DEFAULT_ACTIVATION_PATTERN,
  DEFAULT_TRAJECTORY_PATTERN,
  type HttpClientOptions,
  MagtrackError,
  type ResultBatch,
  type RunFilter,
  type RunRef,
  type RunState,
  type SkippedEntry,
  type TrackerAdapter,
  type WriteReport,
} from "../../src/adapter-kit.js";
import {
  DEFAULT_ARTIFACT_PATTERN,
  examples,
  listActivationRefs,
  refreshDirectUrl,
  type UnmatchedNames,
} from "./activations.js";
import { ALERTS_DUE_CONFIG_KEY, hasUnrecordedAlerts } from "./alert-config.js";
import { wandbAlerts } from "./alerts.js";
import { createWandbApi } from "./api.js";
import { customChartRegistry } from "./custom-chart.js";
import { readWrittenResults } from "./history-scan.js";
import { companionHooks, companionView } from "./live-view.js";
import { writeWandbReportRun } from "./report-run.js";
import { readResumeStatus } from "./resume-status.js";
import { readMagtrackConfig } from "./run-config.js";
import { readWandbRunMetrics, readWandbRunParams } from "./run-metrics.js";
import { runSnapshot } from "./run-snapshot.js";
import { listRuns } from "./runs.js";
import { wandbExperimentScales } from "./scale-run.js";
import { unchangedSteps } from "./sync-fingerprint.js";
import { type SessionContext, writeSession } from "./write-session.js";

export interface WandbAdapterOptions {
  readonly apiKey: string;
  readonly entity: string;
  readonly project: string;
  /** Default https://api.wandb.ai (WANDB_BASE_URL for self-hosted servers). */
  readonly baseUrl?: string;
  /**
   * Pattern for the run's own files (default activations/{layer}/step_{step}.{ext}). Given alone,
   * it applies to artifact files as well.
   */
  readonly pattern?: string;
  /** Pattern inside `activations` artifacts, relative to the artifact root (default {layer}/step_{step}.{ext}). */
  readonly artifactPattern?: string;
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
  /**
   * List every run's files even when the runs page shows it unchanged since magtrack's last
   * complete write (sync-fingerprint.ts); env MAGTRACK_WANDB_FULL_CHECK=1.
   */
  readonly fullCheck?: boolean;
  /** Waits between read-back attempts after writing (default 1, 2, 4, 8 s). */
  readonly verifyDelaysMs?: readonly number[];
  /**
   * Live view (docs/wandb-live.md, default on): runs that cannot be written (running, crashed,
   * killed) get their results in a companion run `<id>-magtrack`; false (--no-live): deferred.
   */
  readonly live?: boolean;
}

/** Stored settings equal to this sync's (else the pipeline must read state and refuse or decide). */
function sameSettings(
  stored: Readonly<Record<string, string>> | undefined,
  current: Readonly<Record<string, string>>,
): boolean {
  if (!stored) return false;
  const keys = Object.keys(current);
  return keys.length === Object.keys(stored).length && keys.every((k) => stored[k] === current[k]);
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
  const runFilePattern = options.pattern ?? DEFAULT_ACTIVATION_PATTERN;
  const artifactPattern = options.artifactPattern ?? options.pattern ?? DEFAULT_ARTIFACT_PATTERN;
  const trajectoryPattern =
    options.trajectoryPattern === undefined ? DEFAULT_TRAJECTORY_PATTERN : options.trajectoryPattern;
  // Weight windows are looked for among the run's own files only: an `activations` artifact's
  // names are relative to its root, where {layer}/step_{step} would claim trajectory/<layer>/… too.
  const matchers = {
    runFile: compileFilePatterns(runFilePattern, trajectoryPattern),
    artifact: compilePattern(artifactPattern),
  };
  /** What the last listing of each run saw but did not match (skippedEntries capability). */
  const skipped = new Map<string, SkippedEntry[]>();
  const maxFileBytes = options.maxFileBytes ?? 2 ** 31;
  const live = options.live !== false;
  const ctx: SessionContext = {
    api,
    entity,
    project,
    linesPerPost: options.linesPerPost ?? 500,
    bytesPerPost: options.bytesPerPost ?? 4 * 1024 * 1024,
    maxTableBytes: 512 * 1024 * 1024,
    // Both patterns are part of what a fingerprint vouches for (a changed pattern lists other files).
    pattern: `run files: ${runFilePattern}; artifacts: ${artifactPattern}; weights: ${trajectoryPattern ?? "none"}`,
    registerChart: customChartRegistry(api, entity),
    now: options.now ?? Date.now,
    verifyDelaysMs: options.verifyDelaysMs ?? [1000, 2000, 4000, 8000],
  };

  /** Runs this adapter wrote into: their listed snapshots are out of date. */
  const writtenHere = new Set<string>();
  /** (layer, step) of every file the last listing of a run found, until its write. */
  const listedKeys = new Map<string, Set<string>>();

  const adapter: TrackerAdapter = {
    name: "wandb",
    // The pipeline's SVG/HTML pages are not uploaded (write-session.ts step 4).
    ignoresCharts: true,

    listRuns(filter: RunFilter, signal?: AbortSignal): AsyncIterable<RunRef> {
      return listRuns(api, entity, project, filter, signal);
    },

    async *listActivations(run: RunRef, signal?: AbortSignal): AsyncIterable<ActivationRef> {
      const unmatched: UnmatchedNames = { artifactFiles: 0, runFiles: 0, samples: [] };
      skipped.delete(run.id);
      const refs = await listActivationRefs(api, entity, project, run, matchers, signal, unmatched);
      if (refs.length === 0 && unmatched.artifactFiles + unmatched.runFiles > 0) {
        skipped.set(run.id, [nothingMatched(unmatched, artifactPattern, runFilePattern)]);
      } else if (unmatched.artifactFiles > 0 && !refs.some((r) => r.extra?.source === "artifact")) {
        // Run files matched, but the run's activations artifacts hold files the artifact pattern
        // missed: those are not read, and that is said (a mistyped --artifact-pattern).
        skipped.set(run.id, [noArtifactFileMatched(unmatched, artifactPattern)]);
      }
      listedKeys.set(run.id, new Set(refs.map((r) => `${r.layer}\u0000${r.step}`)));
      yield* refs;
    },

    skippedEntries(run: RunRef): readonly SkippedEntry[] {
      return skipped.get(run.id) ?? [];
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
      // The runs page already holds config, summary, line count and history keys (run-snapshot.ts);
      // RunResumeStatus only for a ref that did not come from this adapter's listing.
      // A ref listed before this adapter wrote into the run holds a stale snapshot: read afresh.
      const listed = writtenHere.has(run.id) ? undefined : runSnapshot(run.extra);
      const status = listed ?? (await readResumeStatus(api, entity, project, run.id, signal));
      if (!status) return { references: {}, written: [] };
      const magtrack = readMagtrackConfig(status.config);
      const written = await readWrittenResults(
        api,
        entity,
        project,
        run.id,
        {
          start: magtrack.historyStart,
          nextStep: status.nextStep,
          lineCount: status.historyLineCount,
          ...("hasMagtrackKeys" in status ? { hasMagtrackKeys: status.hasMagtrackKeys } : {}),
        },
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

    // The run's own history and config, for `magtrack report`.
    readRunMetrics(run: RunRef, keep: (key: string) => boolean, signal?: AbortSignal) {
      return readWandbRunMetrics(api, entity, project, run.id, keep, signal);
    },

    readRunParams(run: RunRef, signal?: AbortSignal) {
      return readWandbRunParams(api, entity, project, run.id, signal);
    },

    // The cross-run report goes into the project's own report run (report-run.ts), never a training run.
    writeExperimentReport(report, signal) {
      return writeWandbReportRun(ctx, report, baseUrl, signal);
    },

    async writeResults(run: RunRef, batch: ResultBatch, signal?: AbortSignal): Promise<WriteReport> {
      writtenHere.add(run.id);
      const listed = listedKeys.get(run.id);
      listedKeys.delete(run.id);
      // A finished run whose companion held its live view: link it, mark the companion superseded.
      const companion = live ? await companionHooks(ctx, run.id, signal) : {};
      // The alerts due with these results, so upToDate sees a sync cut before recording them.
      const hooks = batch.alertsDue?.length
        ? { ...companion, links: { ...companion.links, [ALERTS_DUE_CONFIG_KEY]: [...batch.alertsDue] } }
        : companion;
      return writeSession(ctx, run, batch, signal, listed, hooks);
    },

    upToDate(run: RunRef, settings: Readonly<Record<string, string>>): { steps: number } | null {
      if (options.fullCheck || writtenHere.has(run.id)) return null;
      const listed = runSnapshot(run.extra);
      if (!listed) return null;
      const magtrack = readMagtrackConfig(listed.config);
      if (magtrack.pending || !sameSettings(magtrack.settings, settings)) return null;
      if (hasUnrecordedAlerts(listed.config)) return null; // a sync cut before its alert step
      const steps = unchangedSteps(magtrack.synced, listed, ctx.pattern);
      return steps === undefined ? null : { steps };
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

    liveView(run: RunRef) {
      return live ? companionView(adapter, ctx, run) : null;
    },

    // notifyScriptableRunAlert, recorded in the run's config (alerts.ts, docs/alerts.md); a run not
    // written now (deferred: running, crashed …) keeps it in its alert file, never in its config.
    ...wandbAlerts(ctx, (run) => (adapter.deferReason!(run) === null ? "run" : "file")),

    // --scale experiment: one T per layer in the project's scale run (scale-run.ts, docs/scale.md).
    ...wandbExperimentScales(ctx),
  };
  return adapter;
}

/** No file of the run's `activations` artifacts matched (some run files did). */
function noArtifactFileMatched(u: UnmatchedNames, artifactPattern: string): SkippedEntry {
  const names = u.samples
    .filter((s) => s.where === "artifact")
    .slice(0, 2)
    .map((s) => `"${s.name}"`);
  return {
    path: "",
    reason: `no file in the run's activations artifacts matched the artifact pattern "${artifactPattern}" (relative to the artifact root): ${u.artifactFiles} file(s) not read, e.g. ${names.join(", ")}`,
  };
}

/** "Nothing matched" for a run that holds files: how many of each kind, two names, both patterns. */
function nothingMatched(u: UnmatchedNames, artifactPattern: string, runFilePattern: string): SkippedEntry {
  const held: string[] = [];
  if (u.artifactFiles > 0) {
    held.push(
      `${u.artifactFiles} file(s) in activations artifacts (pattern "${artifactPattern}", relative to the artifact root)`,
    );
  }
  if (u.runFiles > 0) held.push(`${u.runFiles} run file(s) (pattern "${runFilePattern}")`);
  const names = examples(u).map((n) => `"${n}"`);
  return {
    path: "",
    reason: `no activation file matched: the run holds ${held.join(" and ")}, e.g. ${names.join(", ")}`,
  };
}
