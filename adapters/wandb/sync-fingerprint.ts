/**
 * Cheap no-op syncs: at the end of a write session that covered every activation file the run
 * listed, magtrack records in its config entry (magtrack.value.synced) what the run looked like
 * after the session: its history line count, the SHA-256 of its summary (keys sorted, values
 * exactly as written), the activation pattern and the number of (layer, step) results. A later
 * sync compares that with the runs page (RunFragment: historyLineCount, summaryMetrics) and, when
 * all agree, reports the run up to date without a request of its own.
 *
 * Why these two fields: a run that trains on, is resumed or logs anything appends history or
 * rewrites its summary (wandb-core sends the merged summary with every filestream post and on
 * finish), so either changes. What they cannot see: a file or artifact attached to a finished run
 * without any log call (wandb.Api().run(...).upload_file / log_artifact). Such a run is found once
 * its history or summary changes, or with MAGTRACK_WANDB_FULL_CHECK=1 (every run listed afresh).
 */
import { createHash } from "node:crypto";
import { type ExtendedJson, stringifyExtended } from "./extended-json.js";

type JsonObject = Record<string, ExtendedJson>;

export interface SyncFingerprint {
  readonly v: 1;
  readonly historyLineCount: number;
  readonly summarySha256: string;
  readonly pattern: string;
  readonly steps: number;
}

const isPlainObject = (v: unknown): v is JsonObject =>
  typeof v === "object" &&
  v !== null &&
  !Array.isArray(v) &&
  (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null);

/** Keys sorted at every level (the server may reorder them); values untouched. */
function sorted(v: ExtendedJson): ExtendedJson {
  if (Array.isArray(v)) return v.map(sorted);
  if (!isPlainObject(v)) return v;
  const out: JsonObject = {};
  for (const k of Object.keys(v).sort()) out[k] = sorted(v[k]!);
  return out;
}

export function summaryDigest(summary: JsonObject): string {
  return createHash("sha256")
    .update(stringifyExtended(sorted(summary)))
    .digest("hex");
}

export function fingerprintOf(
  summary: JsonObject,
  historyLineCount: number,
  pattern: string,
  steps: number,
): SyncFingerprint {
  return { v: 1, historyLineCount, summarySha256: summaryDigest(summary), pattern, steps };
}

export function readFingerprint(value: ExtendedJson | undefined): SyncFingerprint | undefined {
  if (!isPlainObject(value) || value.v !== 1) return undefined;
  const { historyLineCount, summarySha256, pattern, steps } = value;
  if (typeof historyLineCount !== "number" || typeof summarySha256 !== "string") return undefined;
  if (typeof pattern !== "string" || typeof steps !== "number") return undefined;
  return { v: 1, historyLineCount, summarySha256, pattern, steps };
}

/** Steps covered when the run as listed is what the last complete session left, else undefined. */
export function unchangedSteps(
  fingerprint: SyncFingerprint | undefined,
  listed: { readonly historyLineCount: number | undefined; readonly summary: JsonObject },
  pattern: string,
): number | undefined {
  if (!fingerprint || fingerprint.pattern !== pattern) return undefined;
  if (listed.historyLineCount !== fingerprint.historyLineCount) return undefined;
  return summaryDigest(listed.summary) === fingerprint.summarySha256 ? fingerprint.steps : undefined;
}
