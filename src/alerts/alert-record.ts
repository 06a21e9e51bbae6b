/**
 * The stored form of raised alerts (local magnitude/alerts.json, MLflow tag values):
 *   {"v": 1, "alerts": [{id, rule, key, layer, step, value, detail}, ...]}
 * Values that are not finite numbers are stored as their text ("NaN", "Infinity").
 */
import type { AlertRecord } from "../adapter-kit.js";
import { MagtrackError } from "../core/errors.js";

export function encodeAlert(a: AlertRecord): Record<string, unknown> {
  return { ...a, value: Number.isFinite(a.value) ? a.value : String(a.value) };
}

export function decodeAlert(x: unknown, where: string): AlertRecord {
  const o = (x ?? {}) as Record<string, unknown>;
  const text = (k: string) => {
    if (typeof o[k] !== "string") throw badRecord(where, `field "${k}" is not text`);
    return o[k] as string;
  };
  const step = o.step;
  if (typeof step !== "number" || !Number.isSafeInteger(step))
    throw badRecord(where, `field "step" is not an integer`);
  return {
    id: text("id"),
    rule: text("rule"),
    key: text("key"),
    layer: text("layer"),
    step,
    value: Number(o.value),
    detail: typeof o.detail === "string" ? o.detail : "",
  };
}

function badRecord(where: string, why: string): MagtrackError {
  return new MagtrackError("tracker", "BAD_ALERT_RECORD", `${where}: not a magtrack alert record (${why})`);
}

export function encodeAlertFile(alerts: readonly AlertRecord[]): string {
  return `${JSON.stringify({ v: 1, alerts: alerts.map(encodeAlert) }, null, 1)}\n`;
}

export function decodeAlertFile(text: string | null, where: string): AlertRecord[] {
  if (text === null) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRecord(where, "not valid JSON");
  }
  const list = (parsed as { alerts?: unknown })?.alerts;
  if (!Array.isArray(list)) throw badRecord(where, `no "alerts" list`);
  return list.map((a) => decodeAlert(a, where));
}
