/** Options shared by the commands, and their conversion into pipeline settings. */
import { availableParallelism, totalmem } from "node:os";
import type { Argv } from "yargs";
import type { RunFilter, RunStatus } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";
import type { StepFilter } from "../sync/plan.js";
import { type ComputeSettings, DEFAULT_SETTINGS } from "../sync/settings.js";

export function withComputeOptions<T>(y: Argv<T>) {
  return y
    .option("q", {
      type: "number",
      default: DEFAULT_SETTINGS.q,
      describe: "convergence fraction: t_conv is where Mag = q·n",
    })
    .option("n-scales", {
      type: "number",
      default: DEFAULT_SETTINGS.nScales,
      describe: "grid size on [0, T] including t = 0",
    })
    .option("grid", {
      choices: ["linear", "log"] as const,
      default: DEFAULT_SETTINGS.grid,
      describe: "scale grid on [0, T]",
    })
    .option("metric", {
      choices: ["euclidean", "cosine", "angular"] as const,
      default: DEFAULT_SETTINGS.metric,
      describe: "distance between activation vectors",
    })
    .option("max-points", {
      type: "number",
      default: DEFAULT_SETTINGS.maxPoints,
      describe: "subsample clouds with more rows (same rows at every step of a layer)",
    })
    .option("t-max", { type: "number", describe: "pin T instead of t_conv of the reference step" })
    .option("mode", {
      choices: ["exact", "fast"] as const,
      default: DEFAULT_SETTINGS.mode,
      describe:
        "solver strategy: fast (CG / f32-preconditioned CG with stated error bounds, wasm SIMD) or exact (one dense factorisation per scale)",
    })
    .option("non-finite", {
      choices: ["fail", "drop-rows"] as const,
      default: "fail" as const,
      describe: "rows holding NaN / ±Inf: fail the file, or drop those rows (counted as rows_dropped)",
    })
    .option("max-memory", {
      type: "string",
      describe:
        "memory the profiles may use in all (bytes, or 512M / 8G / 8GiB); a cloud whose profile would need more is refused before allocating; default: half of the machine's RAM (os.totalmem), shared by --workers",
    })
    .option("max-file-bytes", {
      type: "number",
      default: 2 ** 31,
      describe: "refuse activation files (and decoded arrays) larger than this",
    });
}

export function withTrackerOptions<T>(y: Argv<T>) {
  return y
    .option("tracker", {
      choices: ["local", "mlflow", "wandb"] as const,
      default: "local" as const,
      describe: "where activations are read and results written",
    })
    .option("root", { type: "string", describe: "local store root (tracker=local)" })
    .option("pattern", { type: "string", describe: "activation path pattern with {layer}, {step}, {ext}" })
    .option("experiment", { type: "string", describe: "MLflow experiment name or id" })
    .option("tracking-uri", { type: "string", describe: "MLflow server (default: MLFLOW_TRACKING_URI)" })
    .option("experiment-id", {
      type: "string",
      describe: "MLflow experiment id (string; never parsed as a number)",
    })
    .option("entity", { type: "string", describe: "W&B entity" })
    .option("project", { type: "string", describe: "W&B project" })
    .option("runs", { type: "string", array: true, describe: "only these run ids" })
    .option("since", { type: "string", describe: "only runs started at/after this ISO date" })
    .option("until", { type: "string", describe: "only runs started before this ISO date" })
    .option("status", {
      type: "string",
      array: true,
      describe: "only runs in these states (finished, failed …)",
    })
    .option("reference-step", { type: "number", describe: "use this step's t_conv as each new layer's T" })
    .option("dry-run", { type: "boolean", default: false, describe: "print the plan, write nothing" })
    .option("json", { type: "boolean", default: false, describe: "NDJSON events on stdout (for cron logs)" })
    .option("shard", {
      type: "string",
      describe:
        "i/N: only runs whose stable hash falls in shard i (default: JOB_COMPLETION_INDEX/MAGTRACK_SHARD_COUNT)",
    })
    .option("max-duration", {
      type: "string",
      describe:
        "stop cleanly (at a file boundary, after writing what is done) after this long: 600, 90s, 10m, 2h",
    })
    .option("lock", {
      type: "boolean",
      default: true,
      describe: "take a lock file so overlapping syncs of the same store on this machine do not both run",
    })
    .option("workers", {
      type: "number",
      default: defaultWorkers(),
      describe: "threads that compute profiles (1 = in-process); default: all cores, at most 4",
    })
    .option("lock-file", {
      type: "string",
      describe: "where the lock file goes (default: per store, in the temp dir)",
    });
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

/** "8589934592", "512M", "8G", "8GiB", "1.5g" → bytes (K/M/G/T are powers of 1024). */
export function parseByteSize(flag: string, text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(?:([kmgt])(?:i?b)?|b)?$/i.exec(text.trim());
  const power = m?.[2] === undefined ? 0 : "kmgt".indexOf(m[2].toLowerCase()) + 1;
  const bytes = m ? Number(m[1]) * 1024 ** power : Number.NaN;
  if (!m || !(bytes >= 1) || !Number.isFinite(bytes)) {
    throw usage(`--${flag} "${text}": expected a size such as 8589934592, 512M, 8G or 8GiB`);
  }
  return Math.floor(bytes);
}

/** --max-memory in bytes: the flag, or DEFAULT_MEMORY_SHARE of the machine's RAM. */
export function maxMemoryFromArgs(text: string | undefined, machineBytes = totalmem()): number {
  return text === undefined
    ? Math.floor(DEFAULT_MEMORY_SHARE * machineBytes)
    : parseByteSize("max-memory", text);
}

export interface ComputeArgs {
  q: number;
  nScales: number;
  grid: "linear" | "log";
  metric: "euclidean" | "cosine" | "angular";
  maxPoints: number;
  tMax?: number;
  referenceStep?: number;
  mode: "exact" | "fast";
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
    ...(a.status ? { statuses: a.status as RunStatus[] } : {}),
  };
}

export function stepFilterFromArgs(a: { layers?: string[]; stepMin?: number; stepMax?: number }): StepFilter {
  return {
    ...(a.layers ? { layers: a.layers } : {}),
    ...(a.stepMin === undefined ? {} : { stepMin: a.stepMin }),
    ...(a.stepMax === undefined ? {} : { stepMax: a.stepMax }),
  };
}
