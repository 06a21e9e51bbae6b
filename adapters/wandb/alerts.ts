/**
 * W&B alert delivery (docs/alerts.md): an alert is the official notifyScriptableRunAlert mutation,
 * sent as wandb-core sends it for wandb.Run.alert() (core/internal/stream/sender.go sendAlert), so
 * W&B mails / posts it to Slack as the team configured. W&B has no API to read alerts back: the
 * record that keeps it to one per run, rule and key is magtrack's own, in a run config
 * (alert-config.ts) — the training run's, or the companion's while the run is live (the training
 * process owns a running run's config) — or, for a run not written now with the live view off, in
 * a run file of its own (alert-file.ts).
 *
 * Order: SEND, then RECORD. A kill (or a lost answer) between the two leaves no record, and the next
 * sync sends the alert again: at most one extra delivery per interrupted sync, and only when it is
 * cut in that window of about one round trip. The other order would lose the alert silently instead.
 * The title carries the alert id, so W&B's own per-title wait (waitDuration: "the time to wait before
 * sending another alert with this title", wandb/sdk/wandb_run.py alert) applies to repeats of this
 * alert only; that the server drops such a repeat is its documented intent, not something magtrack
 * can check (the server is closed).
 */
import { type AlertRecord, MagtrackError, type RunRef } from "../../src/adapter-kit.js";
import { alertsInConfig, withAlertInConfig } from "./alert-config.js";
import { alertsInRunFile, recordInRunFile } from "./alert-file.js";
import { companionIdOf, readCompanion } from "./companion.js";
import { upsertConfig } from "./config-write.js";
import { NOTIFY_SCRIPTABLE_RUN_ALERT } from "./documents.js";
import { readResumeStatus } from "./resume-status.js";
import type { SessionContext } from "./write-session.js";

type AlertContext = Pick<SessionContext, "api" | "entity" | "project">;

/** wandb/sdk/wandb_run.py alert: "The title of the alert, must be less than 64 characters long." */
export const MAX_ALERT_TITLE = 63;
/** Early warnings, not failures: AlertSeverity WARN (core/internal/gql/gql_gen.go AllAlertSeverity). */
export const ALERT_SEVERITY = "WARN";
/** 24 h in ms (Duration is int64 milliseconds: genqlient.yaml; wandb_run.py total_seconds() * 1000). */
export const ALERT_WAIT_DURATION_MS = 24 * 60 * 60 * 1000;

/** "magtrack <first 8 hex of the id>: <key>", cut to 63 characters (the id part always kept). */
export function alertTitle(alert: AlertRecord): string {
  const title = `magtrack ${alert.id.slice(0, 8)}: ${alert.key}`;
  return title.length <= MAX_ALERT_TITLE ? title : `${title.slice(0, MAX_ALERT_TITLE - 1)}…`;
}

export function alertText(ctx: AlertContext, runId: string, alert: AlertRecord): string {
  return [
    `Rule "${alert.rule}" held for ${alert.key} (layer ${alert.layer}) at step ${alert.step}: ${alert.detail}.`,
    `Run ${ctx.entity}/${ctx.project}/${runId}; raised once by magtrack sync (alert ${alert.id}).`,
  ].join("\n");
}

/** The mutation, exactly the official variables; a `success: false` answer is a typed error. */
export async function notifyRunAlert(
  ctx: AlertContext,
  runId: string,
  alert: AlertRecord,
  signal?: AbortSignal,
): Promise<void> {
  const data = await ctx.api.graphql<{ notifyScriptableRunAlert: { success: boolean } | null }>(
    NOTIFY_SCRIPTABLE_RUN_ALERT,
    {
      entityName: ctx.entity,
      projectName: ctx.project,
      runName: runId,
      title: alertTitle(alert),
      text: alertText(ctx, runId, alert),
      severity: ALERT_SEVERITY,
      waitDuration: ALERT_WAIT_DURATION_MS,
    },
    signal,
  );
  if (data.notifyScriptableRunAlert?.success !== true) {
    throw new MagtrackError(
      "tracker",
      "WANDB_ALERT_REFUSED",
      `W&B run ${ctx.entity}/${ctx.project}/${runId}: notifyScriptableRunAlert for alert ${alert.id} answered without success`,
    );
  }
}

/**
 * Alerts recorded for a training run: in its own config, in its companion's (if magtrack's), and in
 * its alert file (recorded while it could not be written).
 */
async function recordedAlerts(ctx: AlertContext, trainingId: string, signal?: AbortSignal) {
  const where = `W&B run ${ctx.entity}/${ctx.project}/${trainingId}`;
  const own = await readResumeStatus(ctx.api, ctx.entity, ctx.project, trainingId, signal);
  let companion = null;
  try {
    companion = await readCompanion(ctx, trainingId, signal);
  } catch (error) {
    // A run of the companion's id that is not magtrack's holds no record of ours.
    if ((error as { code?: string }).code !== "WANDB_COMPANION_CONFLICT") throw error;
  }
  const inFile = own ? await alertsInRunFile(ctx, trainingId, signal) : [];
  return [
    ...inFile,
    ...(own ? alertsInConfig(own.config, where) : []),
    ...(companion ? alertsInConfig(companion.config, `W&B run ${companionIdOf(trainingId)}`) : []),
  ];
}

/**
 * Add the alert to a run's config record (read → merge → write by storage id, read back). The
 * companion is read through readCompanion, which refuses a run of its id that is not magtrack's.
 */
async function recordInConfig(
  ctx: AlertContext,
  trainingId: string,
  recordIn: "run" | "companion",
  alert: AlertRecord,
  signal?: AbortSignal,
): Promise<void> {
  const recordRun = recordIn === "run" ? trainingId : companionIdOf(trainingId);
  const where = `W&B run ${ctx.entity}/${ctx.project}/${recordRun}`;
  const status =
    recordIn === "run"
      ? await readResumeStatus(ctx.api, ctx.entity, ctx.project, recordRun, signal)
      : await readCompanion(ctx, trainingId, signal);
  if (status === null) {
    throw new MagtrackError(
      "tracker",
      "WANDB_NO_RUN",
      `${where}: not found while recording alert ${alert.id}`,
    );
  }
  if (alertsInConfig(status.config, where).some((a) => a.id === alert.id)) return;
  await upsertConfig(ctx, recordRun, status.storageId, withAlertInConfig(status.config, alert), signal);
}

/** Where a run's alert record goes (see wandbAlerts). */
export type AlertRecordPlace = "run" | "companion" | "file";

/**
 * readAlerts / recordAlert for a training run. `recordIn(run)` "run": the record goes into the
 * training run's config (it is finished or failed: the adapter writes it); "companion": into its
 * companion's (the live view of a run that is still training); "file": into the run's alert file
 * (a run not written now, live view off: its config is the training process's). The alert itself
 * is always the training run's.
 */
export function wandbAlerts(ctx: AlertContext, recordIn: (run: RunRef) => AlertRecordPlace) {
  return {
    readAlerts: (run: RunRef, signal?: AbortSignal) => recordedAlerts(ctx, run.id, signal),
    async recordAlert(run: RunRef, alert: AlertRecord, signal?: AbortSignal): Promise<void> {
      await notifyRunAlert(ctx, run.id, alert, signal);
      const place = recordIn(run);
      if (place === "file") await recordInRunFile(ctx, run.id, alert, signal);
      else await recordInConfig(ctx, run.id, place, alert, signal);
    },
  };
}
