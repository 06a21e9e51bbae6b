/**
 * Where the W&B adapter keeps its record of raised alerts (docs/alerts.md): W&B has no API to read
 * a run's alerts back, so magtrack keeps its own record beside the rest of its state, in the run's
 * config entry (run-config.ts):
 *   magtrack.value.alerts = {"<alert id>": {id, rule, key, layer, step, value, detail}, …}
 * (the record of src/alerts/alert-record.ts). The merge adds one alert and copies everything else of
 * the config untouched (upsertBucket replaces the config whole, so every write is read → merge → write).
 */
import { type AlertRecord, decodeAlert, encodeAlert } from "../../src/adapter-kit.js";
import { cloneJson, type ExtendedJson, isJsonObject, numberOf } from "./extended-json.js";
import { MAGTRACK_CONFIG_KEY } from "./run-config.js";

type JsonObject = { [key: string]: ExtendedJson };

export const ALERTS_CONFIG_KEY = "alerts";

function alertsEntry(config: JsonObject): JsonObject {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const value = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  const alerts = value[ALERTS_CONFIG_KEY];
  return isJsonObject(alerts) ? alerts : {};
}

/** The alerts recorded in a run config; `where` names the run in errors. */
export function alertsInConfig(config: JsonObject, where: string): AlertRecord[] {
  return Object.entries(alertsEntry(config)).map(([id, stored]) => {
    // Numbers read from W&B are lossless (extended-json.ts): back to plain numbers for the record.
    const o = isJsonObject(stored) ? stored : {};
    const value = typeof o.value === "string" ? Number(o.value) : numberOf(o.value);
    return decodeAlert({ ...o, step: numberOf(o.step), value }, `${where} config magtrack.alerts.${id}`);
  });
}

/** The session's list of alerts due (magtrack.value.alerts_due, written with the results). */
export const ALERTS_DUE_CONFIG_KEY = "alerts_due";

/**
 * True when the config lists an alert due that is not recorded yet: a sync was cut between the
 * write session and the alert step, so the run is not up to date whatever its fingerprint says.
 */
export function hasUnrecordedAlerts(config: JsonObject): boolean {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const value = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  const due = value[ALERTS_DUE_CONFIG_KEY];
  if (!Array.isArray(due) || due.length === 0) return false;
  const recorded = alertsEntry(config);
  return due.some((id) => typeof id === "string" && !isJsonObject(recorded[id]));
}

/** A deep copy of `config` with the alert added to magtrack.value.alerts (an existing id is kept as it is). */
export function withAlertInConfig(config: JsonObject, alert: AlertRecord): JsonObject {
  const next = cloneJson(config);
  const entry = isJsonObject(next[MAGTRACK_CONFIG_KEY]) ? (next[MAGTRACK_CONFIG_KEY] as JsonObject) : {};
  const value = isJsonObject(entry.value) ? entry.value : {};
  const alerts = isJsonObject(value[ALERTS_CONFIG_KEY]) ? (value[ALERTS_CONFIG_KEY] as JsonObject) : {};
  if (!isJsonObject(alerts[alert.id])) alerts[alert.id] = encodeAlert(alert) as JsonObject;
  value[ALERTS_CONFIG_KEY] = alerts;
  entry.value = value;
  next[MAGTRACK_CONFIG_KEY] = entry;
  return next;
}
