/**
 * The local adapter: the embedded default. A run is a folder under the store root:
 *   <root>/<run>/run.json                      optional metadata {name, status, startTime}
 *   <root>/<run>/activations/<layer>/step_<N>.npy   (pattern configurable)
 *   <root>/<run>/magnitude/...                 results (see store-format.ts)
 *   <root>/.magtrack/scale/...                 one T per (experiment, layer) (experiment-scale.ts)
 *   <root>/<run>/metrics.jsonl, params.json    the run's own metrics and params (run-metrics.ts)
 *   <root>/magtrack-report/                    the cross-run report, never a run (experiment-report.ts)
 *   <root>/magtrack-index.html                 the page across runs, a file: never a run (run-index.ts)
 */
import type { Stats } from "node:fs";
import { lstat, readdir, readFile, rm, stat } from "node:fs/promises";
import { join, resolve, sep } from "node:path";
import {
  type ActivationRef,
  compileFilePatterns,
  DEFAULT_ACTIVATION_PATTERN,
  DEFAULT_TRAJECTORY_PATTERN,
  decodeKnownFailures,
  encodeKnownFailures,
  type KnownFailure,
  type LayerReference,
  MagtrackError,
  onStorePath,
  type ResultBatch,
  type RunFilter,
  type RunRef,
  type RunState,
  type RunStatus,
  resultId,
  type SkippedEntry,
  type StepResult,
  storeIoError,
  type TrackerAdapter,
  type WriteReport,
  writeFileAtomic,
} from "../../src/adapter-kit.js";
import { localAlerts } from "./alerts.js";
import { isReportFolder, writeLocalExperimentReport } from "./experiment-report.js";
import { localExperimentScales } from "./experiment-scale.js";
import { writeLocalRunIndex } from "./run-index.js";
import { readLocalRunMetrics, readLocalRunParams } from "./run-metrics.js";
import {
  decodeResultLines,
  encodeCsv,
  encodeResultLine,
  FAILURES_JSON,
  METRICS_CSV,
  METRICS_JSONL,
  REFERENCES_JSON,
  RESULT_DIR,
  SETTINGS_JSON,
} from "./store-format.js";

export interface LocalAdapterOptions {
  readonly root: string;
  readonly pattern?: string;
  /** Logged weight windows (docs/trajectory.md); default DEFAULT_TRAJECTORY_PATTERN, null: none. */
  readonly trajectoryPattern?: string | null;
  /** Refuse activation files larger than this (bytes). */
  readonly maxFileBytes?: number;
  /** Bound on files visited per run while listing (hostile trees). */
  readonly maxEntriesPerRun?: number;
}

const RUN_STATUSES: readonly RunStatus[] = [
  "running",
  "finished",
  "failed",
  "crashed",
  "killed",
  "scheduled",
];
const MAX_WALK_DEPTH = 12;

interface RunMeta {
  name?: unknown;
  status?: unknown;
  startTime?: unknown;
}

async function readJsonIfExists<T>(path: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw storeIoError(path, "read", error);
  }
  try {
    return JSON.parse(text) as T;
  } catch (cause) {
    throw new MagtrackError("tracker", "LOCAL_BAD_JSON", `${path}: not valid JSON`, { cause });
  }
}

async function readTextIfExists(path: string): Promise<string | null> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw storeIoError(path, "read", error);
  }
}

function parseStartTime(value: unknown, fallback: number): number {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value === "string") {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return fallback;
}

function matchesFilter(run: RunRef, filter: RunFilter): boolean {
  if (filter.runs && !filter.runs.includes(run.id) && !filter.runs.includes(run.displayName ?? "\u0000")) {
    return false;
  }
  const t = run.startTime ?? 0;
  if (filter.since !== undefined && t < filter.since) return false;
  if (filter.until !== undefined && t >= filter.until) return false;
  if (filter.statuses && !filter.statuses.includes(run.status)) return false;
  if (filter.tags) {
    for (const [k, v] of Object.entries(filter.tags)) if (run.tags?.[k] !== v) return false;
  }
  return true;
}

export function createLocalAdapter(options: LocalAdapterOptions): TrackerAdapter {
  const root = resolve(options.root);
  const match = compileFilePatterns(
    options.pattern ?? DEFAULT_ACTIVATION_PATTERN,
    options.trajectoryPattern === undefined ? DEFAULT_TRAJECTORY_PATTERN : options.trajectoryPattern,
  );
  const maxFileBytes = options.maxFileBytes ?? 2 ** 31;
  const maxEntries = options.maxEntriesPerRun ?? 200_000;

  const runDir = (run: RunRef) => join(root, run.id);
  /** What the last listing of each run skipped (skippedEntries capability). */
  const skipped = new Map<string, SkippedEntry[]>();
  const resultPath = (run: RunRef, name: string) => join(runDir(run), RESULT_DIR, name);

  async function loadRun(id: string): Promise<RunRef> {
    const dir = join(root, id);
    const info = await lstat(dir);
    const meta = (await readJsonIfExists<RunMeta>(join(dir, "run.json"))) ?? {};
    const status =
      typeof meta.status === "string" && (RUN_STATUSES as readonly string[]).includes(meta.status)
        ? (meta.status as RunStatus)
        : "finished";
    return {
      id,
      ...(typeof meta.name === "string" ? { displayName: meta.name } : {}),
      container: root,
      status,
      startTime: parseStartTime(meta.startTime, info.mtimeMs),
    };
  }

  async function readWritten(run: RunRef): Promise<StepResult[]> {
    let text: string;
    try {
      text = await readFile(resultPath(run, METRICS_JSONL), "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
      throw storeIoError(resultPath(run, METRICS_JSONL), "read", error);
    }
    return decodeResultLines(text, (lineNo) => {
      throw new MagtrackError(
        "tracker",
        "LOCAL_CORRUPT_RESULTS",
        `${resultPath(run, METRICS_JSONL)}:${lineNo}: unreadable result line (the store was edited by hand?)`,
      );
    });
  }

  async function readReferences(run: RunRef): Promise<Record<string, LayerReference>> {
    return (await readJsonIfExists<Record<string, LayerReference>>(resultPath(run, REFERENCES_JSON))) ?? {};
  }

  return {
    name: "local",
    // One T per (experiment, layer) in a root-level hidden folder (experiment-scale.ts).
    ...localExperimentScales(root),

    async *listRuns(filter: RunFilter, signal?: AbortSignal): AsyncIterable<RunRef> {
      let entries: string[];
      try {
        entries = (await readdir(root, { withFileTypes: true }))
          .filter((e) => e.isDirectory() && !e.name.startsWith("."))
          .map((e) => e.name)
          .sort();
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") {
          throw new MagtrackError("config", "LOCAL_ROOT_MISSING", `local store ${root} does not exist`);
        }
        throw storeIoError(root, "list", error);
      }
      for (const id of entries) {
        signal?.throwIfAborted();
        if (await isReportFolder(join(root, id))) continue; // magtrack's cross-run report, not a run
        const run = await loadRun(id);
        if (matchesFilter(run, filter)) yield run;
      }
    },

    async *listActivations(run: RunRef, signal?: AbortSignal): AsyncIterable<ActivationRef> {
      const base = runDir(run);
      const found: ActivationRef[] = [];
      const skips: SkippedEntry[] = [];
      skipped.set(run.id, skips);
      let visited = 0;
      const walk = async (rel: string, depth: number): Promise<void> => {
        if (depth > MAX_WALK_DEPTH) return;
        let entries: import("node:fs").Dirent[];
        try {
          entries = await readdir(join(base, rel), { withFileTypes: true });
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
          throw storeIoError(join(base, rel), "list", error);
        }
        for (const e of entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
          signal?.throwIfAborted();
          if (++visited > maxEntries) {
            throw new MagtrackError(
              "tracker",
              "LOCAL_TOO_MANY_FILES",
              `${base}: more than ${maxEntries} entries`,
            );
          }
          const path = rel === "" ? e.name : `${rel}/${e.name}`;
          if (rel === "" && e.name === RESULT_DIR) continue;
          if (e.isDirectory()) {
            if (match(path)) skips.push({ path, reason: "a directory named like a step file" });
            await walk(path, depth + 1);
            continue;
          }
          const m = match(path);
          if (!m) {
            const why = match.whyNotAStep(path);
            if (why !== null) skips.push({ path, reason: why });
            continue;
          }
          // Symlinks to regular files are followed (DVC and git-annex store data that way);
          // symlinked directories are not (loops, and trees outside the run).
          let info: Stats;
          try {
            info = e.isSymbolicLink() ? await stat(join(base, path)) : await lstat(join(base, path));
          } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            skips.push({ path, reason: `${e.isSymbolicLink() ? "broken symlink" : "unreadable"} (${code})` });
            continue;
          }
          if (!info.isFile()) {
            const kind = info.isFIFO()
              ? "a FIFO"
              : info.isDirectory()
                ? "a symlink to a directory"
                : info.isSocket()
                  ? "a socket"
                  : "a device or other special file";
            skips.push({ path, reason: `not a regular file (${kind})` });
            continue;
          }
          found.push({
            run,
            layer: m.layer,
            step: m.step,
            path,
            format: m.format,
            ...(m.family ? { family: m.family } : {}),
            size: info.size,
            digest: `size=${info.size};mtime=${Math.trunc(info.mtimeMs)}`,
          });
        }
      };
      await walk("", 0);
      yield* found;
    },

    async readActivation(ref: ActivationRef, signal?: AbortSignal): Promise<Uint8Array> {
      signal?.throwIfAborted();
      const base = runDir(ref.run);
      const full = resolve(base, ref.path);
      if (!full.startsWith(base + sep)) {
        throw new MagtrackError(
          "format",
          "PATH_TRAVERSAL",
          `${ref.path}: path leaves the run folder ${base}`,
        );
      }
      const info = await onStorePath(full, "read", () => stat(full)); // follows a symlink to its regular file (listActivations checked it)
      if (!info.isFile()) {
        throw new MagtrackError("format", "NOT_A_FILE", `${full}: not a regular file`);
      }
      if (info.size > maxFileBytes) {
        throw new MagtrackError(
          "format",
          "TOO_LARGE",
          `${full}: ${info.size} bytes exceeds the limit of ${maxFileBytes} (raise it with --max-file-bytes)`,
        );
      }
      return new Uint8Array(await onStorePath(full, "read", () => readFile(full, { signal })));
    },

    readRunMetrics(run: RunRef, keep: (key: string) => boolean) {
      return readLocalRunMetrics(runDir(run), keep);
    },

    readRunParams(run: RunRef) {
      return readLocalRunParams(runDir(run));
    },

    writeExperimentReport(report) {
      return writeLocalExperimentReport(root, report);
    },

    writeRunIndex(index) {
      return writeLocalRunIndex(root, index);
    },

    skippedEntries(run: RunRef): readonly SkippedEntry[] {
      return skipped.get(run.id) ?? [];
    },

    async readState(run: RunRef): Promise<RunState> {
      const [references, written, settings, failures] = await Promise.all([
        readReferences(run),
        readWritten(run),
        readJsonIfExists<Record<string, string>>(resultPath(run, SETTINGS_JSON)),
        readTextIfExists(resultPath(run, FAILURES_JSON)),
      ]);
      const knownFailures = decodeKnownFailures(failures);
      return {
        references,
        written,
        ...(settings ? { settings } : {}),
        ...(knownFailures.length > 0 ? { knownFailures } : {}),
      };
    },

    // Raised alerts: magnitude/alerts.json (alerts.ts, docs/alerts.md).
    ...localAlerts((run) => join(runDir(run), RESULT_DIR)),

    /** magnitude/failures.json, replaced atomically; removed when no failure is left. */
    async recordFailures(run: RunRef, failures: readonly KnownFailure[]): Promise<void> {
      const path = resultPath(run, FAILURES_JSON);
      if (failures.length === 0) await onStorePath(path, "remove", () => rm(path, { force: true }));
      else await writeFileAtomic(path, encodeKnownFailures(failures).text + "\n");
    },

    deferReason(run: RunRef): string | null {
      return run.status === "running" ? "run is still running; its results are written after it ends" : null;
    },

    /**
     * Order matters for crash safety: references, then charts, then metrics.jsonl (the commit point).
     * A crash before the commit leaves the steps undone; the next sync recomputes them (the same
     * values: the inputs and the reference are fixed) and rewrites charts with identical content.
     */
    async writeResults(run: RunRef, batch: ResultBatch): Promise<WriteReport> {
      const existing = await readWritten(run);
      const done = new Set(existing.map(resultId));
      const fresh = batch.results.filter((r) => !done.has(resultId(r)));
      const skippedExisting = batch.results.length - fresh.length;
      if (fresh.length === 0) return { metricsWritten: 0, filesWritten: 0, skippedExisting };
      let filesWritten = 0;

      const references = await readReferences(run);
      let referencesChanged = false;
      for (const ref of batch.newReferences) {
        if (references[ref.layer] === undefined) {
          references[ref.layer] = ref;
          referencesChanged = true;
        }
      }
      if (referencesChanged) {
        await writeFileAtomic(resultPath(run, REFERENCES_JSON), JSON.stringify(references, null, 2) + "\n");
        filesWritten++;
      }
      if ((await readJsonIfExists(resultPath(run, SETTINGS_JSON))) === null) {
        await writeFileAtomic(resultPath(run, SETTINGS_JSON), JSON.stringify(batch.settings, null, 2) + "\n");
        filesWritten++;
      }
      for (const chart of batch.charts) {
        const rel = chart.path.startsWith(`${RESULT_DIR}/`)
          ? chart.path.slice(RESULT_DIR.length + 1)
          : chart.path;
        const target = resolve(runDir(run), RESULT_DIR, rel);
        if (!target.startsWith(join(runDir(run), RESULT_DIR) + sep)) {
          throw new MagtrackError(
            "format",
            "PATH_TRAVERSAL",
            `chart path ${chart.path} leaves ${RESULT_DIR}/`,
          );
        }
        await writeFileAtomic(target, chart.body);
        filesWritten++;
      }
      const all = [...existing, ...fresh];
      await writeFileAtomic(resultPath(run, METRICS_CSV), encodeCsv(all));
      await writeFileAtomic(resultPath(run, METRICS_JSONL), all.map(encodeResultLine).join("\n") + "\n");
      filesWritten += 2;
      const metricsWritten = fresh.reduce((sum, r) => sum + Object.keys(r.metrics).length, 0);
      return { metricsWritten, filesWritten, skippedExisting };
    },
  };
}
