/**
 * The alert record of a run magtrack does not write now (running, crashed … with the live view off,
 * docs/alerts.md "Running runs"): a run file `magtrack-alerts.json` holding encodeAlertFile's
 * {"v": 1, "alerts": [...]} (src/alerts/alert-record.ts), not the run's config. The training process
 * owns a running run's config: wandb-core uploads its whole in-memory config with every change
 * (core/internal/runupserter/runupserter.go lockedDoUpsert: config = serializeConfig(); marked dirty
 * by UpdateConfig, UpdateTelemetry, UpdateEnvironment, UpdateMetrics), which would erase a record
 * there — the alert would be sent again — and a read → merge → write of ours could erase a key it
 * wrote in between. Run files are addressed by name and wandb-core uploads only its own, so this
 * one is never touched by the training process.
 * Write: read → merge → createRunFiles → PUT (signed URL, no credentials) → markRunFilesUploaded.
 */
import { type AlertRecord, decodeAlertFile, encodeAlertFile } from "../../src/adapter-kit.js";
import { RUN_FILES } from "./documents.js";
import { type SessionContext, uploadRunFiles } from "./write-session.js";

export const ALERT_FILE = "magtrack-alerts.json";
/** A record is a few hundred bytes per alert; anything near this is not ours. */
const MAX_ALERT_FILE_BYTES = 4 * 1024 * 1024;

type FileContext = Pick<SessionContext, "api" | "entity" | "project">;

interface RunFilesAnswer {
  project: {
    run: { files: { edges: { node: { name: string; directUrl: string | null } }[] } } | null;
  } | null;
}

/** The alerts recorded in the run's magtrack-alerts.json; none when it has no such file. */
export async function alertsInRunFile(
  ctx: FileContext,
  runId: string,
  signal?: AbortSignal,
): Promise<AlertRecord[]> {
  const data = await ctx.api.graphql<RunFilesAnswer>(
    RUN_FILES,
    { project: ctx.project, entity: ctx.entity, name: runId, fileNames: [ALERT_FILE], fileLimit: 1 },
    signal,
  );
  const node = data.project?.run?.files.edges.find((e) => e.node.name === ALERT_FILE)?.node;
  if (!node?.directUrl) return [];
  const bytes = await ctx.api.downloadSigned(node.directUrl, MAX_ALERT_FILE_BYTES, signal);
  return decodeAlertFile(
    new TextDecoder().decode(bytes),
    `W&B run ${ctx.entity}/${ctx.project}/${runId} file ${ALERT_FILE}`,
  );
}

/** Adds the alert to the run's magtrack-alerts.json (an id already there: nothing is written). */
export async function recordInRunFile(
  ctx: FileContext,
  runId: string,
  alert: AlertRecord,
  signal?: AbortSignal,
): Promise<void> {
  const known = await alertsInRunFile(ctx, runId, signal);
  if (known.some((a) => a.id === alert.id)) return;
  const bytes = new TextEncoder().encode(encodeAlertFile([...known, alert]));
  await uploadRunFiles(ctx, runId, [{ path: ALERT_FILE, bytes, contentType: "application/json" }], signal);
}
