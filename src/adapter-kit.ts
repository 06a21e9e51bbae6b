/**
 * The public kit every tracker adapter imports (and the only thing it imports from magtrack).
 * An adapter is a factory returning a plain object; reads are required, writes optional.
 * "Not found" is a value (null / empty), not an exception; real failures throw typed errors.
 */

export type { ErrorKind } from "./core/errors.js";
export { MagtrackError } from "./core/errors.js";

export type RunStatus = "running" | "finished" | "failed" | "crashed" | "killed" | "scheduled" | "unknown";

export interface RunRef {
  /** Stable tracker id (MLflow run_id, W&B run name/id, local folder name). Always a string. */
  readonly id: string;
  /** Human-readable name where the tracker has one. */
  readonly displayName?: string;
  /** Container: MLflow experiment id, W&B entity/project, local root. */
  readonly container?: string;
  readonly status: RunStatus;
  /** Milliseconds since epoch, when known. */
  readonly startTime?: number;
  readonly updatedTime?: number;
  readonly tags?: Readonly<Record<string, string>>;
  /** Adapter-private data (e.g. artifact root URI); the pipeline never reads it. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface RunFilter {
  /** Only these run ids (or display names). */
  readonly runs?: readonly string[];
  /** Only runs started/updated at or after / before these instants (ms since epoch). */
  readonly since?: number;
  readonly until?: number;
  readonly statuses?: readonly RunStatus[];
  /** Tag equality filters. */
  readonly tags?: Readonly<Record<string, string>>;
  /** Page size hint for paginated listing. */
  readonly pageSize?: number;
}

export type ActivationFormat = "npy" | "npz" | "safetensors";

export interface ActivationRef {
  readonly run: RunRef;
  readonly layer: string;
  readonly step: number;
  /** Path of the file inside the run (artifact path / relative file path). */
  readonly path: string;
  readonly format: ActivationFormat;
  /** For .npz / .safetensors files holding one array per layer: the array's name. */
  readonly arrayName?: string;
  readonly size?: number;
  /** Content digest where the tracker gives one (md5, sha256, mtime+size …), for change detection. */
  readonly digest?: string;
  /** Adapter-private data (download URL, artifact id …). */
  readonly extra?: Readonly<Record<string, unknown>>;
  /**
   * "trajectory" for a logged weight window (rows = iterates, file trajectory/<layer>/step_<step>),
   * matched by the trajectory pattern; absent for activation files.
   */
  readonly family?: "trajectory";
}

/** The evaluation interval [0, T] fixed for one (run, layer) at its reference step. */
export interface LayerReference {
  readonly layer: string;
  readonly T: number;
  /** Step whose t_conv defined T, or null when the user pinned T (--t-max). */
  readonly step: number | null;
  /** How T was chosen: "t_conv(q=0.95)@step", "pinned" … */
  readonly source: string;
  /**
   * Which scale T is (docs/scale.md): one T per experiment, per run, or pinned by --t-max. Absent in
   * references written before scale modes existed; read those with scaleOf() (src/experiment-scale).
   */
  readonly scale?: ScaleMode;
  /** scale "experiment": the run and step whose t_conv fixed the experiment's T. */
  readonly scaleRun?: string;
  readonly scaleStep?: number;
}

export type ScaleMode = "experiment" | "run" | "pinned";

/**
 * One T per (experiment, layer), kept at experiment level in the tracker (docs/scale.md): fixed once
 * from a deterministic reference run and step, never changed.
 */
export interface ExperimentScale {
  readonly layer: string;
  readonly T: number;
  /** The reference run and step whose t_conv is T. */
  readonly run: string;
  readonly step: number;
  readonly source: string;
  /** The settings T depends on, as stored settings keys (magtrack.q, magtrack.metric, …). */
  readonly settings: Readonly<Record<string, string>>;
}

/** The result for one (run, layer, step). Metric names are a contract documented in the README. */
export interface StepResult {
  /**
   * Which cloud the result is of: a layer's activations at one step ("magnitude", the default when
   * absent), a logged weight window ending at the step ("trajectory"), or the window of the layer's
   * last W logged steps, one point per step ("reptraj"). The family is the metric key's first segment.
   */
  readonly family?: ResultFamily;
  readonly layer: string;
  readonly step: number;
  /** Scalar metrics without the "magnitude/<layer>/" prefix: area, t_conv, dim, diff_ref, … */
  readonly metrics: Readonly<Record<string, number>>;
  /** The magnitude function on the layer's grid (absent when read back from a tracker that keeps only scalars). */
  readonly curve?: { readonly t: readonly number[]; readonly magnitude: readonly number[] };
}

/** What the tracker already holds for a run, read back each time (the tracker is the source of truth). */
export interface RunState {
  readonly references: Readonly<Record<string, LayerReference>>;
  /** Every (layer, step) already fully written, with whatever of its result could be read back. */
  readonly written: readonly StepResult[];
  /** Settings magtrack stored on the run earlier (key → value), if any. */
  readonly settings?: Readonly<Record<string, string>>;
  /**
   * An earlier magtrack write session on this run was interrupted after its data landed but before
   * it closed (e.g. W&B: rows posted, run not yet completed). The pipeline then calls writeResults
   * even when there is nothing new, so the adapter can finish the session.
   */
  readonly unfinishedWrite?: boolean;
  /**
   * Files that failed permanently in an earlier sync (adapters with recordFailures): later syncs set
   * them aside while their path, digest and settings are unchanged (src/sync/known-failures.ts).
   */
  readonly knownFailures?: readonly KnownFailure[];
}

/**
 * A file that failed for a reason re-reading cannot fix (bad format, NaN under --non-finite fail,
 * a numerical failure): recorded in the tracker so cron does not fail on it forever.
 */
export interface KnownFailure {
  readonly path: string;
  /** ActivationRef.digest when it failed; a changed digest means a new file, tried again. */
  readonly digest: string;
  /** Short hash of the settings it failed under; other settings try it again. */
  readonly settings: string;
  readonly layer: string;
  readonly step: number;
  readonly code: string;
}

export interface ChartFile {
  /** Path relative to the run's magnitude output (e.g. "magnitude/<layer>/curves.svg"). */
  readonly path: string;
  readonly contentType: string;
  readonly body: string | Uint8Array;
}

export interface ResultBatch {
  /** References fixed in this sync (new layers only; existing ones are never changed). */
  readonly newReferences: readonly LayerReference[];
  /** New results to append; the pipeline never includes a (layer, step) already in RunState.written. */
  readonly results: readonly StepResult[];
  /** Every result of the run (old + new), for charts and tables that are re-rendered whole. */
  readonly allResults: readonly StepResult[];
  /** All references of the run (old + new). */
  readonly references: Readonly<Record<string, LayerReference>>;
  /** Rendered charts and reports (replace previous versions of the same path). */
  readonly charts: readonly ChartFile[];
  /** Computation settings (stored once per run as tags/config). */
  readonly settings: Readonly<Record<string, string>>;
  /**
   * Ids of the alerts the rules raise on allResults (docs/alerts.md). The alert step records them
   * after this write; an adapter that reports runs up to date without reading them (upToDate) keeps
   * the list, so a sync killed in between does not leave a due alert behind as "up to date".
   */
  readonly alertsDue?: readonly string[];
}

export interface TrackerAdapter {
  readonly name: string;
  listRuns(filter: RunFilter, signal?: AbortSignal): AsyncIterable<RunRef>;
  listActivations(run: RunRef, signal?: AbortSignal): AsyncIterable<ActivationRef>;
  readActivation(ref: ActivationRef, signal?: AbortSignal): Promise<Uint8Array>;
  readState(run: RunRef, signal?: AbortSignal): Promise<RunState>;
  /**
   * Append results. Must be idempotent: writing a result already stored is a no-op, never a duplicate.
   * Adapters that cannot write leave this undefined (the pipeline then runs as --dry-run).
   */
  writeResults?(run: RunRef, batch: ResultBatch, signal?: AbortSignal): Promise<WriteReport>;
  /** Runs that must not be written now (e.g. still running on W&B) say why; null = writable. */
  deferReason?(run: RunRef): string | null;
  /**
   * Optional, no I/O: for a run that deferReason defers, a way to sync it now without writing into
   * it — an adapter whose listActivations / readActivation read the run's own files and whose
   * readState / writeResults address a record this adapter owns (W&B: a companion run,
   * docs/wandb-live.md). The pipeline then syncs the run through that adapter. null: stays deferred.
   */
  liveView?(run: RunRef): LiveView | null;
  /**
   * Optional run lease (several machines syncing one tracker): read and write a small record kept
   * in the run itself (MLflow: a tag). Both or neither. The pipeline (src/sync/lease.ts) does the
   * claim / read-back / release; trackers without compare-and-set make this "last writer wins",
   * so it avoids duplicate work — data safety still comes from read-before-write idempotence.
   */
  readLease?(run: RunRef, signal?: AbortSignal): Promise<RunLease | null>;
  writeLease?(run: RunRef, lease: RunLease, signal?: AbortSignal): Promise<void>;
  /**
   * Optional with the two above: remove the lease record, so it is there only while a sync holds
   * the run. Removing an absent record is a no-op. Without it, a release overwrites the record
   * with released = true.
   */
  deleteLease?(run: RunRef, signal?: AbortSignal): Promise<void>;
  /**
   * Optional: entries the last listActivations(run) saw but did not list, and why (a FIFO or a
   * directory named like a step file, a step that is not an exact integer, a broken symlink …), so
   * the pipeline can say so instead of skipping them silently.
   */
  skippedEntries?(run: RunRef): readonly SkippedEntry[];
  /**
   * Optional, no I/O: from what the listing already holds, the run is unchanged since a magtrack
   * write that covered every activation file it then listed, under the same pattern and these
   * settings; returns how many (layer, step) results that write covered, else null. The pipeline
   * then reports the run unchanged without reading its state or listing its files.
   */
  upToDate?(run: RunRef, settings: Readonly<Record<string, string>>): { readonly steps: number } | null;
  /**
   * Optional: replace the run's record of known failures (read back as RunState.knownFailures).
   * The pipeline calls it only when the record changes; an empty list clears it.
   */
  recordFailures?(run: RunRef, failures: readonly KnownFailure[], signal?: AbortSignal): Promise<void>;
  /**
   * Optional experiment-level scale store (--scale experiment; src/experiment-scale/). Both or
   * neither. read: the layer's stored value, null when none. create: store `scale` for its layer
   * unless one is stored already — never replace a stored value (create-if-absent where the tracker
   * can; otherwise last writer wins and the pipeline relies on every writer proposing the same
   * deterministic value). The pipeline reads back after creating and adopts what is stored.
   */
  readExperimentScale?(layer: string, signal?: AbortSignal): Promise<ExperimentScale | null>;
  createExperimentScale?(scale: ExperimentScale, signal?: AbortSignal): Promise<void>;
  /**
   * Optional (experiment report): the run's own logged metrics — loss, accuracy … — as one history per
   * key, step-ordered, one value per step (the latest write of a step wins). `keep` lets the caller
   * say which keys it wants before their histories are fetched (magtrack's own keys are not needed).
   * An adapter without it cannot provide outcomes or baselines; the report command says so.
   */
  readRunMetrics?(run: RunRef, keep: (key: string) => boolean, signal?: AbortSignal): Promise<RunMetrics>;
  /**
   * Optional, no I/O: true when writeResults does not store ResultBatch.charts (W&B keeps scalars,
   * tables and its own chart). The pipeline then does not read the run's own metrics for the run
   * page's training-curves panel (readRunMetrics would only cost requests there).
   */
  readonly ignoresCharts?: boolean;
  /** Optional (experiment report): the run's params / config, every value as text ("0.1", "[64,64]"). */
  readRunParams?(run: RunRef, signal?: AbortSignal): Promise<Readonly<Record<string, string>>>;
  /**
   * Optional (experiment report): store a cross-run report where the tracker keeps such things (local:
   * a folder under the root that is never listed as a run; MLflow: a dedicated run tagged
   * magtrack.kind=report, with no metrics). Re-running replaces the previous report's files; training
   * runs are never touched. Returns where it went (a path or URL) for the user.
   */
  writeExperimentReport?(report: ExperimentReport, signal?: AbortSignal): Promise<ExperimentReportLocation>;
  /**
   * Optional alert store (docs/alerts.md). Both or neither. readAlerts: the ids of alerts already
   * raised on the run; recordAlert: raise one (MLflow: a run tag magtrack.alert.<id>; local:
   * magnitude/alerts.json). The record IS the tracker's alert, so it is written before any other
   * delivery (NDJSON, webhook): a kill between them loses those, never duplicates the alert.
   */
  readAlerts?(run: RunRef, signal?: AbortSignal): Promise<readonly AlertRecord[]>;
  recordAlert?(run: RunRef, alert: AlertRecord, signal?: AbortSignal): Promise<void>;
  /**
   * Optional (local store; docs/views.md): store the page across runs (runs × layers, a trend line
   * of each layer's area, links to each run's page). The pipeline collects `index` from listRuns /
   * readState / readAlerts at the end of a sync (src/run-index); the adapter renders it with
   * renderRunIndexHtml, knowing where each run's page lives, and writes it where discovery never
   * takes it for a run. MLflow and W&B have their own run lists and leave this out.
   */
  writeRunIndex?(index: RunIndex, signal?: AbortSignal): Promise<RunIndexLocation>;
  close?(): Promise<void>;
}

/** Where a deferred run's results go while it cannot be written (TrackerAdapter.liveView). */
export interface LiveView {
  /** The record written instead of the run, for the user (e.g. "W&B run team/proj/abc-magtrack"). */
  readonly target: string;
  /** Reads the run's files; reads and writes the results in `target`. */
  readonly adapter: TrackerAdapter;
}

/** One raised alert: a rule that held for a metric key of the run, at the first step it held. */
export interface AlertRecord {
  /** alertId(run, rule, key) (src/alerts/alert-id.ts): the identity that keeps it to one per run. */
  readonly id: string;
  readonly rule: string;
  /** The metric key "<family>/<layer>/<name>" it held for, and that key's layer. */
  readonly key: string;
  readonly layer: string;
  readonly step: number;
  readonly value: number;
  /** Why, in words: "0.8 < 2", "robust z 7.1 > 4". */
  readonly detail: string;
}

/** One point of a run's own metric history. */
export interface MetricPoint {
  readonly step: number;
  readonly value: number;
}

/** key → history (ascending steps, one point per step). */
export type RunMetrics = Readonly<Record<string, readonly MetricPoint[]>>;

/** A rendered cross-run report: files relative to the report's home (index.html, *.svg, table). */
export interface ExperimentReport {
  readonly files: readonly ChartFile[];
  /** The file to open first (e.g. "index.html"). */
  readonly entry: string;
  /** A short plain-text summary (the verdict) where the tracker can show text (a run description). */
  readonly summary: string;
}

export interface ExperimentReportLocation {
  /** Path or URL of the entry file (or the run holding it). */
  readonly location: string;
  readonly filesWritten: number;
}

/** One layer of one run on the index page: its headline metric (area) over steps. */
export interface RunIndexLayer {
  readonly layer: string;
  /** magnitude/<layer>/area per step, ascending. */
  readonly area: readonly MetricPoint[];
  /** Steps whose cloud had one distinct row (collapsed = 1: Mag ≡ 1). */
  readonly collapsedSteps: readonly number[];
}

/** One run on the index page. */
export interface RunIndexEntry {
  readonly run: RunRef;
  readonly layers: readonly RunIndexLayer[];
  readonly alerts: readonly AlertRecord[];
  /** Why the run's results could not be read (its row says so; other runs are unaffected). */
  readonly problem?: string;
}

/** Every run of the store, as the index page across runs shows it. */
export interface RunIndex {
  readonly runs: readonly RunIndexEntry[];
  /** magtrack version, for the page's footer. */
  readonly version?: string;
}

export interface RunIndexLocation {
  /** Path or URL of the page. */
  readonly location: string;
}

/** Tag / marker value identifying magtrack's report run or folder (never a training run). */
export const REPORT_KIND_TAG = "magtrack.kind";
export const REPORT_KIND_VALUE = "report";

/** Metric keys magtrack itself writes (magnitude/, trajectory/, reptraj/): never outcomes or baselines. */
export function isMagtrackMetricKey(key: string): boolean {
  return /^(magnitude|trajectory|reptraj)\//.test(key);
}

/** An entry under a run that looked like an activation file but was not listed. */
export interface SkippedEntry {
  readonly path: string;
  readonly reason: string;
}

/** A claim on a run by one sync process, until `expires` (ms since epoch, the holder's clock). */
export interface RunLease {
  /** Unique per process: "<host>:<pid>:<random>". */
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly expires: number;
  /** Set when the holder let go (the record is overwritten rather than deleted). */
  readonly released?: boolean;
}

export interface WriteReport {
  readonly metricsWritten: number;
  readonly filesWritten: number;
  readonly skippedExisting: number;
}

/** First segment of a metric key: what kind of cloud the value is of (StepResult.family). */
export type ResultFamily = "magnitude" | "trajectory" | "reptraj";
export const RESULT_FAMILIES: readonly ResultFamily[] = ["magnitude", "trajectory", "reptraj"];

/** Metric key written to trackers: <family>/<layer>/<name>, family "magnitude" by default. */
export function metricKey(layer: string, name: string, family: ResultFamily = "magnitude"): string {
  return `${family}/${layer}/${name}`;
}

/** "<family>/<layer>/<name>" → its parts (the layer may hold "/"; the name may not); null for other keys. */
export function parseMetricKey(key: string): { family: ResultFamily; layer: string; name: string } | null {
  const slash = key.indexOf("/");
  const family = key.slice(0, slash) as ResultFamily;
  if (slash <= 0 || !RESULT_FAMILIES.includes(family)) return null;
  const rest = key.slice(slash + 1);
  const cut = rest.lastIndexOf("/");
  if (cut <= 0 || cut === rest.length - 1) return null;
  return { family, layer: rest.slice(0, cut), name: rest.slice(cut + 1) };
}

/** The layer as tables show it: the layer, or "<family>/<layer>" for trajectory windows. */
export const qualifiedLayer = (r: Pick<StepResult, "family" | "layer">): string =>
  (r.family ?? "magnitude") === "magnitude" ? r.layer : `${r.family}/${r.layer}`;

/** Identity of a result within a run: (family, layer, step). */
export const resultId = (r: Pick<StepResult, "family" | "layer" | "step">): string =>
  `${r.family ?? "magnitude"}\u0000${r.layer}\u0000${r.step}`;

// The stored form of raised alerts (local alerts.json, MLflow tag values).
export { decodeAlert, decodeAlertFile, encodeAlert, encodeAlertFile } from "./alerts/alert-record.js";
// The index page across runs (writeRunIndex renders it with the links it knows).
export type { RunIndexLinks } from "./charts/run-index.js";
export { renderRunIndexHtml } from "./charts/run-index.js";
// The default activation and weight-window file patterns (their own module: the CLI loads it alone).
export { DEFAULT_ACTIVATION_PATTERN, DEFAULT_TRAJECTORY_PATTERN } from "./default-patterns.js";
// The experiment-level scale record as JSON (adapters with read/createExperimentScale).
export { decodeExperimentScale, encodeExperimentScale } from "./experiment-scale/record.js";
// Atomic file writes (temp file + rename) for adapters that keep files.
export { writeFileAtomic } from "./io/atomic-write.js";
export type {
  HttpAuth,
  HttpClient,
  HttpClientOptions,
  HttpMethod,
  HttpRequest,
  HttpResponse,
  QueryValue,
  RetryInfo,
} from "./io/http.js";
// HTTP transport shared by the tracker adapters (retries, timeouts, byte caps, redaction).
export { createHttpClient } from "./io/http.js";
export { parseJsonLenient } from "./io/http-body.js";
export { isTrackerError, TrackerError } from "./io/http-errors.js";
export type { RetryOptions } from "./io/http-retry.js";
export { DEFAULT_RETRY, parseRetryAfter } from "./io/http-retry.js";
// File-system failures as typed errors naming the path (STORE_IO).
export { onStorePath, storeIoError } from "./io/io-error.js";
// The stored form of a run's known failures (local file, MLflow tag).
export { decodeKnownFailures, encodeKnownFailures } from "./io/known-failure-record.js";
export { REDACTED, redactHeaders, redactText, redactUrl, urlForError } from "./io/redact.js";
export type { PathMatcher, PatternMatch } from "./pattern.js";
export { compileFilePatterns, compilePattern } from "./pattern.js";
