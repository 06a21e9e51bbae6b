/** Options shared by the commands, and their conversion into pipeline settings. */
import { availableParallelism, totalmem } from "node:os";
import type { Argv, Options } from "yargs";
import type { RunFilter, RunStatus } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { EngineMode } from "../core/types.js";
import type { StepFilter } from "../sync/plan.js";
import { type ComputeSettings, DEFAULT_SETTINGS } from "../sync/settings.js";
import { isRunStatus, RUN_STATUSES } from "./run-statuses.js";
import { TRAJECTORY_OPTIONS } from "./trajectory-options.js";

/**
 * Every command's options as data, so the MAGTRACK_* environment can be checked against the options a
 * command knows (env-config.ts) and a typo is refused before any work (app.ts).
 */
export const COMPUTE_OPTIONS = {
  q: {
    type: "number",
    default: DEFAULT_SETTINGS.q,
    describe: "convergence fraction: t_conv is where Mag = q·n",
  },
  "n-scales": {
    type: "number",
    default: DEFAULT_SETTINGS.nScales,
    describe: "grid size on [0, T] including t = 0",
  },
  grid: {
    choices: ["linear", "log"] as const,
    default: DEFAULT_SETTINGS.grid,
    describe: "scale grid on [0, T]",
  },
  metric: {
    choices: ["euclidean", "cosine", "angular"] as const,
    default: DEFAULT_SETTINGS.metric,
    describe: "distance between activation vectors",
  },
  "max-points": {
    type: "number",
    default: DEFAULT_SETTINGS.maxPoints,
    describe: "subsample clouds with more rows (same rows at every step of a layer)",
  },
  "t-max": { type: "number", describe: "pin T instead of t_conv of the reference step" },
  mode: {
    choices: ["exact", "fast", "large"] as const,
    default: DEFAULT_SETTINGS.mode,
    describe:
      "solver strategy: fast (CG / f32-preconditioned CG with stated error bounds, wasm SIMD), exact (one dense factorisation per scale) or large (beyond the fast engine's limit: packed distances, 8·n² bytes, CG at every scale with its error bound; Euclidean only; docs/large-clouds.md)",
  },
  "non-finite": {
    choices: ["fail", "drop-rows"] as const,
    default: "fail" as const,
    describe: "rows holding NaN / ±Inf: fail the file, or drop those rows (counted as rows_dropped)",
  },
  "max-memory": {
    type: "string",
    describe:
      "memory the profiles may use in all (bytes, or 512M / 8G / 8GiB); a cloud whose profile would need more is refused before allocating; default: half of the machine's RAM (os.totalmem), shared by --workers",
  },
  "max-file-bytes": {
    type: "string",
    default: "2GiB",
    coerce: parseByteSize,
    describe: "refuse activation files (and decoded arrays) larger than this: bytes, or 500MB, 2GiB …",
  },
} as const satisfies Record<string, Options>;

export const TRACKER_OPTIONS = {
  tracker: {
    choices: ["local", "mlflow", "wandb"] as const,
    default: "local" as const,
    describe: "where activations are read and results written",
  },
  root: { type: "string", describe: "local store root (tracker=local)" },
  pattern: { type: "string", describe: "activation path pattern with {layer}, {step}, {ext}" },
  "artifact-pattern": {
    type: "string",
    describe:
      'W&B: pattern for files inside `activations` artifacts, relative to the artifact root (default "{layer}/step_{step}.{ext}"; --pattern alone sets both)',
  },
  experiment: { type: "string", describe: "MLflow experiment name or id" },
  "tracking-uri": { type: "string", describe: "MLflow server (default: MLFLOW_TRACKING_URI)" },
  "experiment-id": {
    type: "string",
    describe: "MLflow experiment id (string; never parsed as a number)",
  },
  entity: { type: "string", describe: "W&B entity" },
  project: { type: "string", describe: "W&B project" },
  live: {
    type: "boolean",
    default: true,
    describe:
      "W&B: runs still training (or crashed) get live results in a companion run <id>-magtrack; --no-live defers them (docs/wandb-live.md)",
  },
  "alert-webhook": {
    type: "string",
    describe:
      'POST {"text": …} (Slack-compatible) to this URL once per new alert; retried on 5xx/timeouts, then given up with a warning; its path and query are never printed (docs/alerts.md)',
  },
  runs: {
    type: "string",
    array: true,
    coerce: splitList,
    describe: "only these run ids or names (space- or comma-separated)",
  },
  since: { type: "string", describe: "only runs started at/after this ISO date" },
  until: { type: "string", describe: "only runs started before this ISO date" },
  status: {
    type: "string",
    array: true,
    coerce: splitList,
    describe: `only runs in these states: ${RUN_STATUSES.join(", ")}`,
  },
  scale: {
    choices: ["experiment", "run"] as const,
    describe:
      "T of new layers: one per experiment (default; t_conv of the earliest-started run's reference step, kept in the tracker) or one per run (docs/scale.md)",
  },
  "reference-step": { type: "number", describe: "use this step's t_conv as each new layer's T" },
  "dry-run": { type: "boolean", default: false, describe: "print the plan, write nothing" },
  json: { type: "boolean", default: false, describe: "NDJSON events on stdout (for cron logs)" },
  quiet: {
    type: "boolean",
    conflicts: "verbose",
    describe: "no progress bar and no line per run: only problems and the summary",
  },
  verbose: {
    alias: "v",
    type: "boolean",
    describe: "one line per computed step as well",
  },
  shard: {
    type: "string",
    describe:
      "i/N: only runs whose stable hash falls in shard i (default: JOB_COMPLETION_INDEX/MAGTRACK_SHARD_COUNT)",
  },
  "max-duration": {
    type: "string",
    describe:
      "stop cleanly (at a file boundary, after writing what is done) after this long: 600, 90s, 10m, 2h",
  },
  lock: {
    type: "boolean",
    default: true,
    describe: "take a lock file so overlapping syncs of the same store on this machine do not both run",
  },
  workers: {
    type: "number",
    default: defaultWorkers(),
    describe: "threads that compute profiles (1 = in-process); default: all cores, at most 4",
  },
  "lock-file": {
    type: "string",
    describe: "where the lock file goes (default: per store, in the temp dir)",
  },
  "retry-failed": {
    type: "boolean",
    default: false,
    describe: "read files recorded as failed again (default: set aside while unchanged)",
  },
  alert: {
    type: "string",
    array: true,
    describe:
      'alert rule (repeatable; MAGTRACK_ALERT takes several separated by ";"): "magnitude/*/dim > 3", "magnitude/fc2/area jump 4", "magnitude/*/t_conv outside finished" (docs/alerts.md)',
  },
} as const satisfies Record<string, Options>;

export const BACKFILL_OPTIONS = {
  layers: {
    type: "string",
    array: true,
    coerce: splitList,
    describe: "only these layers (space- or comma-separated)",
  },
  "step-min": { type: "number", describe: "only steps ≥ this" },
  "step-max": { type: "number", describe: "only steps ≤ this" },
} as const satisfies Record<string, Options>;

export const COMPUTE_COMMAND_OPTIONS = {
  json: {
    type: "boolean",
    default: false,
    describe: "one JSON object per array on stdout",
  },
  svg: {
    type: "string",
    describe: "write a chart of each magnitude function into this folder",
  },
} as const satisfies Record<string, Options>;

export const DEMO_OPTIONS = {
  root: { type: "string", default: "magtrack-demo", describe: "where the demo store goes" },
  json: { type: "boolean", default: false, describe: "NDJSON events on stdout" },
  "max-points": {
    type: "number",
    default: 1000,
    describe: "subsample clouds with more rows (same rows at every step of a layer)",
  },
} as const satisfies Record<string, Options>;

/** `magtrack report`: which runs, which outcomes, when features are read (docs/report.md). */
export const REPORT_OPTIONS = {
  tracker: { choices: ["local", "mlflow", "wandb"] as const, default: "local" as const },
  root: { type: "string", describe: "local store root (tracker=local)" },
  experiment: { type: "string", describe: "MLflow experiment name or id" },
  "experiment-id": { type: "string", describe: "MLflow experiment id" },
  "tracking-uri": {
    type: "string",
    describe: "MLflow server (default: MLFLOW_TRACKING_URI)",
  },
  entity: { type: "string", describe: "W&B entity" },
  project: { type: "string", describe: "W&B project" },
  outcome: {
    type: "string",
    array: true,
    describe: "a run metric to predict, at its last logged step (repeatable)",
  },
  gap: {
    type: "string",
    array: true,
    describe: "TRAIN_KEY:TEST_KEY: train − test at the last step (repeatable)",
  },
  at: {
    type: "string",
    default: "final,0.2,0.5",
    describe: "when features are read: final and/or fractions of training",
  },
  control: {
    type: "string",
    describe: "a param: also give τ within its levels (stratified)",
  },
  runs: { type: "string", array: true, describe: "only these run ids" },
  since: { type: "string", describe: "only runs started at/after this ISO date" },
  until: { type: "string", describe: "only runs started before this ISO date" },
  status: { type: "string", array: true, describe: "only runs in these states" },
  "dry-run": {
    type: "boolean",
    default: false,
    describe: "compute and print, store nothing",
  },
  json: {
    type: "boolean",
    default: false,
    describe: "one JSON line per row, then where the report went",
  },
  alert: {
    type: "string",
    array: true,
    describe:
      "alert rule (repeatable, as sync takes it): how often it would have fired on the finished runs, and how they ended",
  },
  "max-file-bytes": { type: "number", default: 2 ** 31, hidden: true },
} as const satisfies Record<string, Options>;

/** Option names per command (what a MAGTRACK_* variable may set for that command). */
export const COMMAND_OPTION_NAMES: Readonly<Record<string, readonly string[]>> = {
  sync: [
    ...Object.keys(COMPUTE_OPTIONS),
    ...Object.keys(TRACKER_OPTIONS),
    ...Object.keys(TRAJECTORY_OPTIONS),
  ],
  backfill: [
    ...Object.keys(COMPUTE_OPTIONS),
    ...Object.keys(TRACKER_OPTIONS),
    ...Object.keys(TRAJECTORY_OPTIONS),
    ...Object.keys(BACKFILL_OPTIONS),
  ],
  compute: [...Object.keys(COMPUTE_OPTIONS), ...Object.keys(COMPUTE_COMMAND_OPTIONS)],
  demo: Object.keys(DEMO_OPTIONS),
  report: Object.keys(REPORT_OPTIONS),
};

export function withComputeOptions<T>(y: Argv<T>) {
  return y.options(COMPUTE_OPTIONS);
}

export function withTrackerOptions<T>(y: Argv<T>) {
  return y.options(TRACKER_OPTIONS);
}

/** `--runs a,b c` → ["a", "b", "c"]: flag lists take commas as MAGTRACK_* env lists do. */
export function splitList(values: readonly unknown[] | unknown): string[] {
  const list = Array.isArray(values) ? values : [values];
  return list.flatMap((v) =>
    String(v)
      .split(",")
      .map((s) => s.trim())
      .filter((s) => s !== ""),
  );
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
  tib: 2 ** 40,
  // One letter, as free(1), docker and JVM -Xmx read it: powers of 1024.
  k: 2 ** 10,
  m: 2 ** 20,
  g: 2 ** 30,
  t: 2 ** 40,
};

/**
 * "2147483648", "500MB" (10^6), "2GiB" (2^30), "8G" (2^30), "1.5 GiB" → whole bytes; anything else is a
 * usage error naming the flag.
 */
export function parseByteSize(value: unknown, flag = "max-file-bytes"): number {
  const text = String(value).trim();
  const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  const unit = m ? BYTE_UNITS[m[2]!.toLowerCase()] : undefined;
  const bytes = m && unit !== undefined ? Math.floor(Number(m[1]) * unit) : Number.NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1) {
    throw usage(
      `--${flag} "${text}": expected a positive size in bytes or with a unit (B, KB, MB, GB, KiB, MiB, GiB, K, M, G)`,
    );
  }
  return bytes;
}

export function defaultWorkers(): number {
  return Math.min(4, availableParallelism());
}

/** "600" (seconds), "90s", "10m", "2h" → milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h)?$/.exec(text.trim());
  if (!m) throw usage(`--max-duration "${text}": expected a number of seconds or 90s / 10m / 2h`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[(m[2] ?? "s") as "ms" | "s" | "m" | "h"];
  return Number(m[1]) * unit;
}

/** Default --max-memory: this share of os.totalmem() (the rest is left to the OS and other processes). */
export const DEFAULT_MEMORY_SHARE = 0.5;

/** --max-memory in bytes: the flag, or DEFAULT_MEMORY_SHARE of the machine's RAM. */
export function maxMemoryFromArgs(text: string | undefined, machineBytes = totalmem()): number {
  return text === undefined
    ? Math.floor(DEFAULT_MEMORY_SHARE * machineBytes)
    : parseByteSize(text, "max-memory");
}

export interface ComputeArgs {
  q: number;
  nScales: number;
  grid: "linear" | "log";
  metric: "euclidean" | "cosine" | "angular";
  maxPoints: number;
  tMax?: number;
  scale?: "experiment" | "run";
  referenceStep?: number;
  mode: EngineMode;
  nonFinite?: "fail" | "drop-rows";
  maxMemory?: string;
}

function usage(message: string): MagtrackError {
  return new MagtrackError("usage", "BAD_OPTION", message);
}

export function settingsFromArgs(a: ComputeArgs): ComputeSettings {
  if (!(a.q > 0 && a.q <= 1)) throw usage(`--q must be in (0, 1], got ${a.q}`);
  if (!Number.isInteger(a.nScales) || a.nScales < 2 || a.nScales > 10_000) {
    throw usage(`--n-scales must be an integer in [2, 10000], got ${a.nScales}`);
  }
  if (!Number.isInteger(a.maxPoints) || a.maxPoints < 1)
    throw usage(`--max-points must be a positive integer`);
  if (a.tMax !== undefined && !(Number.isFinite(a.tMax) && a.tMax > 0)) throw usage(`--t-max must be > 0`);
  if (a.tMax !== undefined && a.scale !== undefined) {
    throw usage(
      `--t-max pins T for every run; --scale ${a.scale} does not apply beside it (drop one of them)`,
    );
  }
  if (a.referenceStep !== undefined && !Number.isSafeInteger(a.referenceStep)) {
    throw usage(`--reference-step must be an integer`);
  }
  return {
    q: a.q,
    nScales: a.nScales,
    grid: a.grid,
    metric: a.metric,
    maxPoints: a.maxPoints,
    mode: a.mode,
    maxMemoryBytes: maxMemoryFromArgs(a.maxMemory),
    ...(a.nonFinite === "drop-rows" ? { nonFinite: "drop-rows" as const } : {}),
    ...(a.tMax === undefined ? {} : { tMax: a.tMax }),
    ...(a.scale === undefined ? {} : { scale: a.scale }),
    ...(a.referenceStep === undefined ? {} : { referenceStep: a.referenceStep }),
  };
}

function parseDate(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!Number.isFinite(ms))
    throw usage(`--${flag}: "${value}" is not a date (use ISO 8601, e.g. 2026-11-01T00:00Z)`);
  return ms;
}

export function runFilterFromArgs(a: {
  runs?: string[];
  since?: string;
  until?: string;
  status?: string[];
}): RunFilter {
  const since = parseDate("since", a.since);
  const until = parseDate("until", a.until);
  return {
    ...(a.runs ? { runs: a.runs } : {}),
    ...(since === undefined ? {} : { since }),
    ...(until === undefined ? {} : { until }),
    ...(a.status ? { statuses: statusesFromArgs(a.status) } : {}),
  };
}

/** `--status finishd` is a usage error naming the valid states, not a filter that silently matches nothing. */
function statusesFromArgs(values: readonly string[]): RunStatus[] {
  const statuses = values.map((v) => v.toLowerCase());
  const bad = statuses.filter((s) => !isRunStatus(s));
  if (bad.length > 0) {
    throw usage(`--status ${bad.join(",")}: not a run state (use ${RUN_STATUSES.join(", ")})`);
  }
  return statuses as RunStatus[];
}

export function stepFilterFromArgs(a: { layers?: string[]; stepMin?: number; stepMax?: number }): StepFilter {
  return {
    ...(a.layers ? { layers: a.layers } : {}),
    ...(a.stepMin === undefined ? {} : { stepMin: a.stepMin }),
    ...(a.stepMax === undefined ? {} : { stepMax: a.stepMax }),
  };
}
