/**
 * The project's report run (`magtrack report --entity --project`): a run magtrack creates once per
 * W&B project to hold the cross-run report, apart from the training runs:
 *
 *   id            magtrack-report (fixed: creating is idempotent, a re-run finds it again)
 *   display name  "magtrack report"; group "magtrack", job type "magtrack-report", tag magtrack-report
 *   config        magtrack.kind = "report", magtrack.report = {entry, files, summary_keys}
 *   notes         the verdicts (the run description the W&B UI shows on the run's overview)
 *   files         magtrack-report/<index.html, how-early-*.svg, correlations.json> (fixed names:
 *                 a re-run overwrites them) and the summary's media files (report-media.ts)
 *   summary       report/correlations → the correlation table (table-file), report/how_early/<outcome>
 *                 and report/index → html-file; no history rows, so the workspace charts stay as they were
 *
 * Creation is wandb-core's (core/internal/runupserter/runupserter.go: upsertBucket by name with
 * group, display name, notes, job type, config, tags), then the filestream's summary and
 * `complete`, so the run is "finished". A run named magtrack-report that is not magtrack's report
 * run (config magtrack.kind ≠ "report") is refused and left alone. Training runs are never written.
 */
import { createHash } from "node:crypto";
import {
  type ExperimentReport,
  type ExperimentReportLocation,
  MagtrackError,
  REPORT_KIND_VALUE,
} from "../../src/adapter-kit.js";
import { upsertConfig } from "./config-write.js";
import { createRunByName } from "./create-run.js";
import { UPSERT_BUCKET_CREATE_REPORT, UPSERT_BUCKET_NOTES } from "./documents.js";
import { cloneJson, type ExtendedJson, isJsonObject, sameJson, stringifyExtended } from "./extended-json.js";
import { REPORT_SUMMARY_PREFIX, reportMedia } from "./report-media.js";
import { type ResumeStatus, readResumeStatus } from "./resume-status.js";
import { MAGTRACK_CONFIG_KEY } from "./run-config.js";
import { readRunState, runFiles, type SessionContext, uploadRunFiles } from "./write-session.js";

type JsonObject = Record<string, ExtendedJson>;

export const REPORT_RUN_ID = "magtrack-report";
export const REPORT_DISPLAY_NAME = "magtrack report";
export const REPORT_TAG = "magtrack-report";
export const REPORT_GROUP = "magtrack";
export const REPORT_JOB_TYPE = "magtrack-report";
/** The report's own files keep their names under this folder of the run's files. */
export const REPORT_FILES_DIR = "magtrack-report";
/** W&B keeps notes as text; the verdicts are short, a very long one is cut. */
const MAX_NOTES = 7900;

/** config magtrack.value.kind of a run (undefined for runs magtrack did not create as a report). */
export function magtrackKindOf(config: JsonObject): string | undefined {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const v = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  return typeof v.kind === "string" ? v.kind : undefined;
}

export const isReportRunConfig = (config: JsonObject) => magtrackKindOf(config) === REPORT_KIND_VALUE;

/**
 * The W&B UI's address of a run, as the official client forms it: wandb/util.py api_to_app_url
 * (api.wandb.ai → wandb.ai; api.<host> → app.<host>; a local server serves both on one address)
 * and wandb_settings.py run_url ("<app>/<entity>/<project>/runs/<id>").
 */
export function wandbRunUrl(baseUrl: string, entity: string, project: string, run: string): string {
  const base = baseUrl.replace(/\/+$/, "");
  const app = base.includes("://api.wandb.test")
    ? base.replace("://api.", "://app.")
    : base.includes("://api.wandb.")
      ? base.replace("://api.", "://")
      : base.includes("://api.")
        ? base.replace("://api.", "://app.")
        : base;
  return `${app}/${encodeURIComponent(entity)}/${encodeURIComponent(project)}/runs/${encodeURIComponent(run)}`;
}

const where = (ctx: Pick<SessionContext, "entity" | "project">) =>
  `W&B run ${ctx.entity}/${ctx.project}/${REPORT_RUN_ID}`;

function notesOf(report: ExperimentReport): string {
  return report.summary.length > MAX_NOTES ? `${report.summary.slice(0, MAX_NOTES)} …` : report.summary;
}

/** The report run's status; null when there is none; a typed refusal when the id is someone else's run. */
async function readReportRun(ctx: SessionContext, signal?: AbortSignal): Promise<ResumeStatus | null> {
  const status = await readResumeStatus(ctx.api, ctx.entity, ctx.project, REPORT_RUN_ID, signal);
  if (status !== null && !isReportRunConfig(status.config)) {
    const kind = magtrackKindOf(status.config);
    throw new MagtrackError(
      "tracker",
      "WANDB_REPORT_RUN_CONFLICT",
      `${where(ctx)} exists but is not magtrack's report run (config magtrack.kind is ${kind === undefined ? "absent" : `"${kind}"`}): nothing is written into it; rename or move that run to store the report`,
    );
  }
  return status;
}

async function createReportRun(
  ctx: SessionContext,
  report: ExperimentReport,
  signal?: AbortSignal,
): Promise<ResumeStatus> {
  const config: JsonObject = { [MAGTRACK_CONFIG_KEY]: { value: { kind: REPORT_KIND_VALUE } } };
  await createRunByName(
    ctx,
    UPSERT_BUCKET_CREATE_REPORT,
    {
      name: REPORT_RUN_ID,
      project: ctx.project,
      entity: ctx.entity,
      groupName: REPORT_GROUP,
      displayName: REPORT_DISPLAY_NAME,
      notes: notesOf(report),
      jobType: REPORT_JOB_TYPE,
      config: stringifyExtended(config),
      tags: [REPORT_TAG],
    },
    "the report run",
    where(ctx),
    signal,
  );
  // Read as every later write does (a race with another report process found the same run).
  const status = await readReportRun(ctx, signal);
  if (status === null) {
    throw new MagtrackError(
      "tracker",
      "WANDB_RUN_MISSING",
      `${where(ctx)}: not found right after creating it`,
    );
  }
  return status;
}

/** The previous summary without the previous report's keys, plus the new ones (other keys kept as they are). */
function nextSummary(previous: JsonObject, ours: JsonObject): JsonObject {
  const next = cloneJson(previous);
  for (const key of Object.keys(next)) if (key.startsWith(REPORT_SUMMARY_PREFIX)) delete next[key];
  for (const [key, value] of Object.entries(ours)) next[key] = cloneJson(value);
  return next;
}

export async function writeWandbReportRun(
  ctx: SessionContext,
  report: ExperimentReport,
  baseUrl: string,
  signal?: AbortSignal,
): Promise<ExperimentReportLocation> {
  const at = where(ctx);
  const existing = await readReportRun(ctx, signal);
  const status = existing ?? (await createReportRun(ctx, report, signal));
  const media = reportMedia(report, at);
  const own = report.files.map((f) => ({
    path: `${REPORT_FILES_DIR}/${f.path}`,
    bytes: typeof f.body === "string" ? new TextEncoder().encode(f.body) : f.body,
    contentType: f.contentType,
  }));
  const uploads = [...own, ...media.files];
  // 1. Files first: the summary written next points at media files that are already there.
  await uploadRunFiles(ctx, REPORT_RUN_ID, uploads, signal);
  // 2. The description, when the run existed (a new run got it at creation).
  if (existing !== null) {
    await ctx.api.graphql(UPSERT_BUCKET_NOTES, { id: status.storageId, notes: notesOf(report) }, signal);
  }
  // 3. Config: what the report consists of (a read → merge → write of the run's whole config).
  const config = cloneJson(status.config);
  const entry = isJsonObject(config[MAGTRACK_CONFIG_KEY]) ? (config[MAGTRACK_CONFIG_KEY] as JsonObject) : {};
  const value = isJsonObject(entry.value) ? entry.value : {};
  value.kind = REPORT_KIND_VALUE;
  value.report = {
    entry: `${REPORT_FILES_DIR}/${report.entry}`,
    files: own.map((f) => f.path),
    summary_keys: Object.keys(media.summary),
  };
  entry.value = value;
  config[MAGTRACK_CONFIG_KEY] = entry;
  await upsertConfig(ctx, REPORT_RUN_ID, status.storageId, config, signal);
  // 4. Summary through the filestream (as wandb-core sends it), then `complete`: finished again.
  const summary = nextSummary(status.summary, media.summary);
  const summaryLine = stringifyExtended(summary);
  const files = { "wandb-summary.json": { offset: 0, content: [summaryLine] } };
  await ctx.api.fileStream(ctx.entity, ctx.project, REPORT_RUN_ID, JSON.stringify({ files }), signal);
  await ctx.api.fileStream(
    ctx.entity,
    ctx.project,
    REPORT_RUN_ID,
    JSON.stringify({ complete: true, exitcode: 0 }),
    signal,
  );
  // 5. Read back (the filestream may apply posts asynchronously: a few tries).
  for (let attempt = 0; ; attempt++) {
    const problems = await verifyReportRun(ctx, summary, uploads, signal);
    if (problems.length === 0) break;
    const delay = ctx.verifyDelaysMs[attempt];
    if (delay === undefined) {
      throw new MagtrackError(
        "tracker",
        "WANDB_READBACK_MISMATCH",
        `${at}: read-back after writing the report does not match: ${problems.slice(0, 8).join("; ")}`,
        { details: { problems } },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  return {
    location: wandbRunUrl(baseUrl, ctx.entity, ctx.project, REPORT_RUN_ID),
    filesWritten: uploads.length,
  };
}

async function verifyReportRun(
  ctx: SessionContext,
  summary: JsonObject,
  uploads: readonly { path: string; bytes: Uint8Array }[],
  signal?: AbortSignal,
): Promise<string[]> {
  const problems: string[] = [];
  const after = await readResumeStatus(ctx.api, ctx.entity, ctx.project, REPORT_RUN_ID, signal);
  if (after === null) return ["the report run disappeared"];
  if (after.historyLineCount !== 0)
    problems.push(`it holds ${after.historyLineCount} history lines, expected none`);
  for (const [k, v] of Object.entries(summary)) {
    if (!sameJson(after.summary[k], v)) problems.push(`summary key ${k} differs`);
  }
  const stored = await runFiles(
    ctx,
    REPORT_RUN_ID,
    uploads.map((u) => u.path),
    signal,
  );
  for (const u of uploads) {
    const md5 = createHash("md5").update(u.bytes).digest("base64");
    const got = stored.get(u.path)?.md5;
    if (got !== md5) problems.push(`file ${u.path} ${got === undefined ? "is missing" : "differs (md5)"}`);
  }
  const state = await readRunState(ctx, REPORT_RUN_ID, signal);
  if (state !== "finished") problems.push(`state is ${state}, expected finished`);
  return problems;
}
