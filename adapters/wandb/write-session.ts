/**
 * One resume session into an existing, not-running W&B run — what wandb-core does on
 * `resume="must"`, limited to appending:
 *   1. RunResumeStatus: the run must exist (upsert by name would create it); its historyLineCount,
 *      last `_step`, summary and config are the base of everything below.
 *   2. Read back magtrack's rows already in the history; only the missing (layer, step) go on.
 *   3. Config: read → merge (define_metric, chart panels, references, history hint, a "pending"
 *      marker holding the run's state) → upsertBucket by storage id (never by name).
 *   4. Curve tables: createRunFiles → PUT to the signed URL (no credentials) → markRunFilesUploaded.
 *   5. Filestream: history lines at offset = historyLineCount with `_step` continuing, the merged
 *      summary (every existing key kept), then {"complete": true, "exitcode": …} so the run is
 *      finished (or failed) again.
 *   6. Config again without the pending marker, then read everything back and compare.
 * A crash anywhere leaves a readable run: rows already posted are found by step 2 next time, and
 * a run left "crashed" by an interrupted session carries the marker that lets the next sync finish
 * it and restore its state.
 */
import {
  MagtrackError,
  metricKey,
  qualifiedLayer,
  type ResultBatch,
  type RunRef,
  type StepResult,
  type WriteReport,
} from "../../src/adapter-kit.js";
import { parseUploadHeaders, type WandbApi } from "./api.js";
import { magtrackConfigProblems } from "./config-readback.js";
import { upsertConfig } from "./config-write.js";
import { curveChartStrings } from "./curve-chart.js";
import { buildCurveTable, type CurveTable, rowsByStep } from "./curve-table.js";
import { CREATE_RUN_FILES, MARK_RUN_FILES_UPLOADED, RUN_FILES, RUN_STATE } from "./documents.js";
import {
  cloneJson,
  type ExtendedJson,
  isJsonObject,
  parseExtended,
  parseObject,
  sameJson,
  stringifyExtended,
} from "./extended-json.js";
import { buildHistoryLines } from "./history-rows.js";
import { readWrittenResults } from "./history-scan.js";
import { type ResumeStatus, readResumeStatus } from "./resume-status.js";
import {
  chartKey,
  curvePanel,
  MAGTRACK_CONFIG_KEY,
  mergeConfig,
  readMagtrackConfig,
  STEP_METRIC,
  tableKey,
  wandbBlock,
} from "./run-config.js";
import { closeAfterFailure, type SessionProgress } from "./session-cleanup.js";
import { fingerprintOf } from "./sync-fingerprint.js";

type JsonObject = Record<string, ExtendedJson>;

export interface SessionContext {
  readonly api: WandbApi;
  readonly entity: string;
  readonly project: string;
  /** History lines per filestream post. */
  readonly linesPerPost: number;
  /** Approximate byte budget of the history lines in one filestream post. */
  readonly bytesPerPost: number;
  readonly maxTableBytes: number;
  /** The activation pattern (recorded in the no-op fingerprint). */
  readonly pattern: string;
  /** The id of magtrack's custom chart (custom-chart.ts: registered on first use). */
  readonly registerChart: (signal?: AbortSignal) => Promise<string>;
  readonly now: () => number;
  /** Waits between read-back attempts (the filestream may apply posts asynchronously). */
  readonly verifyDelaysMs: readonly number[];
}

/** Exit codes that return a run to its state when the session completes (filestream semantics). */
const EXIT_CODE_FOR_STATE: Readonly<Record<string, number>> = { finished: 0, failed: 1 };

export async function readRunState(
  ctx: SessionContext,
  run: string,
  signal?: AbortSignal,
): Promise<string | null> {
  const data = await ctx.api.graphql<{ project: { run: { state: string | null } | null } | null }>(
    RUN_STATE,
    { entity: ctx.entity, project: ctx.project, name: run },
    signal,
  );
  return data.project?.run ? (data.project.run.state ?? null) : null;
}

function where(ctx: Pick<SessionContext, "entity" | "project">, run: string): string {
  return `W&B run ${ctx.entity}/${ctx.project}/${run}`;
}

/** Run files by name → md5 (base64) and a download URL. */
export async function runFiles(
  ctx: Pick<SessionContext, "api" | "entity" | "project">,
  run: string,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<Map<string, { md5: string | null; directUrl: string | null }>> {
  const out = new Map<string, { md5: string | null; directUrl: string | null }>();
  if (names.length === 0) return out;
  const data = await ctx.api.graphql<{
    project: {
      run: {
        files: { edges: { node: { name: string; md5?: string | null; directUrl?: string | null } }[] } | null;
      } | null;
    } | null;
  }>(
    RUN_FILES,
    { entity: ctx.entity, project: ctx.project, name: run, fileNames: [...names], fileLimit: names.length },
    signal,
  );
  for (const e of data.project?.run?.files?.edges ?? []) {
    out.set(e.node.name, { md5: e.node.md5 ?? null, directUrl: e.node.directUrl ?? null });
  }
  return out;
}

export async function uploadRunFiles(
  ctx: Pick<SessionContext, "api" | "entity" | "project">,
  run: string,
  files: readonly { path: string; bytes: Uint8Array; contentType: string }[],
  signal?: AbortSignal,
): Promise<void> {
  if (files.length === 0) return;
  const data = await ctx.api.graphql<{
    createRunFiles: {
      uploadHeaders: string[] | null;
      files: { name: string; uploadUrl: string | null }[];
    } | null;
  }>(
    CREATE_RUN_FILES,
    { entity: ctx.entity, project: ctx.project, run, files: files.map((f) => f.path) },
    signal,
  );
  const created = data.createRunFiles;
  if (!created)
    throw new MagtrackError(
      "tracker",
      "WANDB_CREATE_FILES",
      `${where(ctx, run)}: createRunFiles returned nothing`,
    );
  const headers = parseUploadHeaders(created.uploadHeaders);
  for (const f of files) {
    const url = created.files.find((x) => x.name === f.path)?.uploadUrl;
    if (!url)
      throw new MagtrackError(
        "tracker",
        "WANDB_NO_UPLOAD_URL",
        `${where(ctx, run)}: no upload URL for ${f.path}`,
      );
    await ctx.api.uploadSigned(url, f.bytes, { "Content-Type": f.contentType, ...headers }, signal);
  }
  const marked = await ctx.api.graphql<{ markRunFilesUploaded: { success: boolean | null } | null }>(
    MARK_RUN_FILES_UPLOADED,
    { entity: ctx.entity, project: ctx.project, run, files: files.map((f) => f.path) },
    signal,
  );
  if (marked.markRunFilesUploaded?.success !== true) {
    throw new MagtrackError(
      "tracker",
      "WANDB_MARK_UPLOADED",
      `${where(ctx, run)}: markRunFilesUploaded did not succeed`,
    );
  }
}

/**
 * Split history lines into filestream posts of at most `maxLines` lines and about `maxBytes`
 * bytes (a single longer line goes alone): W&B answers 413 to oversized requests, and 413 is not
 * retried. Always at least one (possibly empty) post, which carries the summary.
 */
export function chunkLines(lines: readonly string[], maxLines: number, maxBytes: number): string[][] {
  const posts: string[][] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line) + 4; // quotes, escapes are already in `line`; comma
    if (current.length > 0 && (current.length >= maxLines || bytes + size > maxBytes)) {
      posts.push(current);
      current = [];
      bytes = 0;
    }
    current.push(line);
    bytes += size;
  }
  if (current.length > 0 || posts.length === 0) posts.push(current);
  return posts;
}

/** True when the results cover every (layer, step) the run listed (nothing left to compute). */
function coveredEverything(listed: ReadonlySet<string> | undefined, results: readonly StepResult[]): boolean {
  if (!listed || listed.size === 0) return false;
  const have = new Set(results.map((r) => `${r.layer}\u0000${r.step}`));
  for (const key of listed) if (!have.has(key)) return false;
  return true;
}

/** One panel per changed table, titled with its metric key and the steps it shows. */
async function curvePanels(
  ctx: SessionContext,
  tables: readonly CurveTable[],
  signal?: AbortSignal,
): Promise<Record<string, JsonObject>> {
  if (tables.length === 0) return {};
  const chartId = await ctx.registerChart(signal);
  return Object.fromEntries(
    tables.map((t) => [
      chartKey(t.layer),
      curvePanel(t.layer, chartId, curveChartStrings(chartKey(t.layer), t.selection)),
    ]),
  );
}

/** Latest value of every magtrack metric (by training step) plus the chart table pointers. */
function mergedSummary(
  base: JsonObject,
  results: readonly StepResult[],
  tables: readonly CurveTable[],
): JsonObject {
  const next = cloneJson(base); // keeps lossless numbers and key order of what is not ours
  const latest = new Map<string, StepResult>();
  let maxStep: number | undefined;
  for (const r of results) {
    const prev = latest.get(qualifiedLayer(r));
    if (!prev || r.step >= prev.step) latest.set(qualifiedLayer(r), r);
    maxStep = maxStep === undefined ? r.step : Math.max(maxStep, r.step);
  }
  for (const r of latest.values()) {
    for (const [name, value] of Object.entries(r.metrics)) next[metricKey(r.layer, name, r.family)] = value;
  }
  if (maxStep !== undefined) next[STEP_METRIC] = maxStep;
  for (const t of tables) next[tableKey(t.layer)] = t.pointer;
  return next;
}

/** What a caller adds to a session (the live companion, docs/wandb-live.md). */
export interface SessionHooks {
  /** Entries of magtrack.value the session's config sets (links between a run and its companion). */
  readonly links?: Readonly<Record<string, ExtendedJson>>;
  /**
   * Runs after the filestream's `complete`, before the pending marker is removed: a failure or a
   * kill here leaves the marker, so the next sync runs the session (and this hook) again.
   */
  readonly beforeClose?: (signal?: AbortSignal) => Promise<void>;
  /**
   * The run is magtrack's own (a live companion): a crashed or killed one without a pending marker
   * is completed as "finished" too. A running one is still refused.
   */
  readonly ownedRun?: boolean;
}

export async function writeSession(
  ctx: SessionContext,
  run: RunRef,
  batch: ResultBatch,
  signal?: AbortSignal,
  /** (layer, step) keys of every activation file this sync listed for the run, if it listed. */
  listed?: ReadonlySet<string>,
  hooks: SessionHooks = {},
): Promise<WriteReport> {
  const name = run.id;
  const at = where(ctx, name);
  const status = await readResumeStatus(ctx.api, ctx.entity, ctx.project, name, signal);
  if (!status) {
    throw new MagtrackError(
      "tracker",
      "WANDB_RUN_MISSING",
      `${at} does not exist (magtrack never creates runs)`,
    );
  }
  const state = await readRunState(ctx, name, signal);
  const magtrack = readMagtrackConfig(status.config);
  // A run magtrack owns (a live companion) has no state of anyone else's to keep: "finished".
  const restoreState =
    state !== null && state in EXIT_CODE_FOR_STATE
      ? state
      : (magtrack.pending?.state ?? (hooks.ownedRun === true && state !== null ? "finished" : undefined));
  if (
    state === "running" ||
    state === "pending" ||
    restoreState === undefined ||
    !(restoreState in EXIT_CODE_FOR_STATE)
  ) {
    throw new MagtrackError(
      "tracker",
      "WANDB_RUN_NOT_WRITABLE",
      `${at} is ${state ?? "in an unknown state"}: deferred (magtrack writes only into finished or failed runs)`,
    );
  }

  const written = await readWrittenResults(
    ctx.api,
    ctx.entity,
    ctx.project,
    name,
    { start: magtrack.historyStart, nextStep: status.nextStep, lineCount: status.historyLineCount },
    signal,
  );
  const done = new Set(written.map((r) => `${r.layer}\u0000${r.step}`));
  const fresh = batch.results.filter((r) => !done.has(`${r.layer}\u0000${r.step}`));
  const skippedExisting = batch.results.length - fresh.length;
  const newReferences = batch.newReferences.filter((r) => magtrack.references[r.layer] === undefined);
  if (fresh.length === 0 && newReferences.length === 0 && magtrack.pending === undefined) {
    return { metricsWritten: 0, filesWritten: 0, skippedExisting };
  }

  // Chart tables: re-rendered per layer with new rows; curves of earlier steps come from the
  // previous table when the pipeline only holds their scalars.
  // Curve tables and panels are per layer's activations; trajectory windows have no curve.
  const freshLayers = [
    ...new Set(fresh.filter((r) => (r.family ?? "magnitude") === "magnitude").map((r) => r.layer)),
  ].sort();
  const families = [...new Set(fresh.map((r) => r.family ?? "magnitude"))];
  const tables: CurveTable[] = [];
  for (const layer of freshLayers) {
    const pointer = status.summary[tableKey(layer)];
    let previous = new Map<number, [number, number, number][]>();
    const oldPath = isJsonObject(pointer) && typeof pointer.path === "string" ? pointer.path : undefined;
    if (oldPath) {
      const url = (await runFiles(ctx, name, [oldPath], signal)).get(oldPath)?.directUrl;
      if (url) {
        const bytes = await ctx.api.downloadSigned(url, ctx.maxTableBytes, signal);
        previous = rowsByStep(parseExtended(new TextDecoder().decode(bytes), `${at} ${oldPath}`));
      }
    }
    const table = buildCurveTable(layer, [...batch.allResults, ...fresh], previous);
    if (table && table.path !== oldPath) tables.push(table);
  }

  // 3. Config with the pending marker (opens the session), and the chart panel of every layer
  // whose table changed (magtrack's own chart, registered once per process).
  const panels = await curvePanels(ctx, tables, signal);
  const sessionConfig = mergeConfig(status.config, {
    newReferences,
    settings: batch.settings,
    panels,
    historyStart: status.nextStep,
    families,
    pending: { state: restoreState, startedAt: new Date(ctx.now()).toISOString() },
    synced: null, // a session in progress vouches for nothing
    ...(hooks.links ? { links: hooks.links } : {}),
  });
  // From here on the marker may be stored; if a step fails, the session is closed where that is
  // safe (session-cleanup.ts), so the marker does not stay behind.
  const progress: SessionProgress = { streamTouched: false, completed: false };
  try {
    const opened = await upsertConfig(ctx, name, status.storageId, sessionConfig, signal);
    const work = { batch, fresh, written, tables, restoreState, opened, skippedExisting, listed, hooks };
    return await appendAndClose(ctx, name, status, work, progress, signal);
  } catch (error) {
    await closeAfterFailure(
      ctx,
      name,
      status.storageId,
      EXIT_CODE_FOR_STATE[restoreState]!,
      progress,
      signal,
    );
    throw error;
  }
}

interface SessionWork {
  readonly batch: ResultBatch;
  readonly fresh: readonly StepResult[];
  readonly written: readonly StepResult[];
  readonly tables: readonly CurveTable[];
  readonly restoreState: string;
  /** The config as stored after the session was opened (server-added keys included). */
  readonly opened: JsonObject;
  readonly skippedExisting: number;
  /** (layer, step) keys of every activation file this sync listed for the run, if it listed. */
  readonly listed: ReadonlySet<string> | undefined;
  readonly hooks: SessionHooks;
}

/** Steps 4–6: tables, filestream (history, summary, complete), config without the marker, read-back. */
async function appendAndClose(
  ctx: SessionContext,
  name: string,
  status: ResumeStatus,
  work: SessionWork,
  progress: SessionProgress,
  signal?: AbortSignal,
): Promise<WriteReport> {
  const at = where(ctx, name);
  const { fresh, written, tables, restoreState, skippedExisting, listed } = work;

  // 4. Files: the curve tables. The pipeline's SVG/HTML charts are not uploaded: the history
  // keeps only scalars, so a chart re-rendered from read-back results would lack the curves of
  // earlier syncs; the custom chart (tables merged above) is the W&B view of the curves.
  const uploads = tables.map((t) => ({ path: t.path, bytes: t.bytes, contentType: "application/json" }));
  await uploadRunFiles(ctx, name, uploads, signal);

  // 5. Filestream: history at offset = historyLineCount, merged summary, complete.
  const { lines } = buildHistoryLines(fresh, status.nextStep, ctx.now() / 1000);
  const summary = mergedSummary(status.summary, [...written, ...fresh], tables);
  const summaryLine = stringifyExtended(summary);
  const posts = chunkLines(lines, ctx.linesPerPost, ctx.bytesPerPost);
  let offset = status.historyLineCount;
  for (let p = 0; p < posts.length; p++) {
    const files: Record<string, { offset: number; content: string[] }> = {};
    if (posts[p]!.length > 0) files["wandb-history.jsonl"] = { offset, content: posts[p]! };
    offset += posts[p]!.length;
    // The whole merged summary rides along with every post, so an interrupted session never
    // leaves the table pointers (their files are uploaded before) behind the history.
    files["wandb-summary.json"] = { offset: 0, content: [summaryLine] };
    progress.streamTouched = true; // a post that fails may still have arrived
    await ctx.api.fileStream(ctx.entity, ctx.project, name, JSON.stringify({ files }), signal);
  }
  progress.streamTouched = true;
  await ctx.api.fileStream(
    ctx.entity,
    ctx.project,
    name,
    JSON.stringify({ complete: true, exitcode: EXIT_CODE_FOR_STATE[restoreState] }),
    signal,
  );
  progress.completed = true;
  progress.keepMarker = true;
  await work.hooks.beforeClose?.(signal);
  progress.keepMarker = false;

  // 6. Close the session: the config as stored (keys the server added kept) without the marker,
  // then verify everything.
  const closedConfig = mergeConfig(work.opened, {
    newReferences: [],
    settings: {},
    panels: {},
    pending: null,
    synced: coveredEverything(listed, [...written, ...fresh])
      ? fingerprintOf(
          summary,
          status.historyLineCount + lines.length,
          ctx.pattern,
          written.length + fresh.length,
        )
      : null,
  });
  await upsertConfig(ctx, name, status.storageId, closedConfig, signal);
  // The filestream may be applied asynchronously: poll the read-back a few times before failing.
  const expected = { lines, summary, config: closedConfig, state: restoreState };
  for (let attempt = 0; ; attempt++) {
    const problems = await verify(ctx, name, status, expected, signal);
    if (problems.length === 0) break;
    const delay = ctx.verifyDelaysMs[attempt];
    if (delay === undefined) {
      throw new MagtrackError(
        "tracker",
        "WANDB_READBACK_MISMATCH",
        `${at}: read-back after writing does not match: ${problems.slice(0, 8).join("; ")}`,
        { details: { problems } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }

  const metricsWritten = fresh.reduce((n, r) => n + Object.keys(r.metrics).length, 0);
  return { metricsWritten, filesWritten: uploads.length, skippedExisting };
}

/** Read the run back; every difference from what this session meant to leave, as text. */
async function verify(
  ctx: SessionContext,
  name: string,
  before: ResumeStatus,
  expected: { lines: readonly string[]; summary: JsonObject; config: JsonObject; state: string },
  signal?: AbortSignal,
): Promise<string[]> {
  const at = where(ctx, name);
  const after = await readResumeStatus(ctx.api, ctx.entity, ctx.project, name, signal);
  const problems: string[] = [];
  if (!after) problems.push("the run disappeared");
  else {
    const wantCount = before.historyLineCount + expected.lines.length;
    if (after.historyLineCount !== wantCount) {
      problems.push(`historyLineCount is ${after.historyLineCount}, expected ${wantCount}`);
    }
    // The tail holds the last lines: those of ours it covers must be ours, byte for byte or value for value.
    const ours = expected.lines.slice(-after.historyTail.length);
    const tail = after.historyTail.slice(-ours.length);
    ours.forEach((line, i) => {
      const got = tail[i];
      if (got === undefined || !sameJson(parseObject(got, `${at} history`), parseObject(line, "sent line"))) {
        problems.push(`history line ${wantCount - ours.length + i} differs from the line sent`);
      }
    });
    for (const [k, v] of Object.entries(expected.summary)) {
      if (!sameJson(after.summary[k], v)) problems.push(`summary key ${k} differs`);
    }
    // The merged summary started as a copy of the old one, so the loop above also proves that
    // every pre-existing key is still there with its value (unless it is one of magtrack's own).
    for (const k of Object.keys(before.summary))
      if (!(k in after.summary)) problems.push(`summary key ${k} was lost`);
    problems.push(...magtrackConfigProblems(after.config, expected.config));
    for (const [k, v] of Object.entries(before.config)) {
      if (k === "_wandb" || k === MAGTRACK_CONFIG_KEY) continue;
      if (!sameJson(after.config[k], v)) problems.push(`config key ${k} changed`);
    }
    const oldBlock = wandbBlock(before.config);
    const newBlock = wandbBlock(after.config);
    for (const [k, v] of Object.entries(oldBlock)) {
      if (k === "m" || k === "visualize") continue;
      if (!sameJson(newBlock[k], v)) problems.push(`config _wandb.${k} changed`);
    }
  }
  const state = await readRunState(ctx, name, signal);
  if (state !== expected.state) problems.push(`state is ${state}, expected ${expected.state}`);
  return problems;
}
