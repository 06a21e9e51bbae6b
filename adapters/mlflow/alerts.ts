/**
 * Raised alerts of an MLflow run (docs/alerts.md): one run tag per alert,
 *   magtrack.alert.<id> = {"id", "rule", "key", "layer", "step", "value", "detail"}
 * (src/alerts/alert-record.ts), so the UI lists it with the run's tags and a search can filter on it
 * (`tags."magtrack.alert.<id>" LIKE '%'`). The tag is the alert: setting it is the delivery and the
 * record at once (runs/set-tag with the same key and value is idempotent). A tag value holds 8000
 * characters (TRACKERS.md): a longer detail is cut to fit, the rest of the record never is.
 */
import { type AlertRecord, decodeAlert, encodeAlert, type RunRef } from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import { MAX_TAG_VALUE_CHARS } from "./tags.js";
import { tagsToRecord } from "./wire.js";

export const ALERT_TAG_PREFIX = "magtrack.alert.";

export function alertTagValue(alert: AlertRecord): string {
  const whole = JSON.stringify(encodeAlert(alert));
  if (whole.length <= MAX_TAG_VALUE_CHARS) return whole;
  const overBy = whole.length - MAX_TAG_VALUE_CHARS + 1; // + "…"
  return JSON.stringify(
    encodeAlert({
      ...alert,
      detail: `${alert.detail.slice(0, Math.max(0, alert.detail.length - overBy - 8))}…`,
    }),
  );
}

export function mlflowAlerts(client: MlflowClient) {
  return {
    async readAlerts(run: RunRef, signal?: AbortSignal): Promise<AlertRecord[]> {
      const wire = await client.getRun(run.id, signal);
      const tags = tagsToRecord(wire?.data?.tags);
      return Object.entries(tags)
        .filter(([k]) => k.startsWith(ALERT_TAG_PREFIX))
        .map(([k, v]) => {
          const where = `MLflow run ${run.id} tag ${k}`;
          let parsed: unknown;
          try {
            parsed = JSON.parse(v);
          } catch {
            parsed = null;
          }
          return decodeAlert(parsed, where);
        });
    },
    async recordAlert(run: RunRef, alert: AlertRecord, signal?: AbortSignal): Promise<void> {
      await client.setTag(run.id, `${ALERT_TAG_PREFIX}${alert.id}`, alertTagValue(alert), signal);
    },
  };
}
