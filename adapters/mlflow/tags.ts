/**
 * The run tags magtrack owns, and the one it shares with the MLflow UI:
 *   magtrack.reference.<layer>  JSON {"layer", "T", "step", "source"} — fixed once, never changed
 *   magtrack.settings           JSON object of the computation settings — keys added, never changed
 *   (experiment) magtrack.scale.<layer>  the experiment's T of a layer (experiment-scale.ts)
 *   mlflow.loggedArtifacts      JSON list of {"path", "type"}; "table" entries appear in the run's
 *                               evaluation view. Merged: the user's entries are always kept.
 * Tag values are cut at 8000 characters by the server without an error, which would corrupt JSON,
 * so every value is checked before it is sent.
 */
import { type LayerReference, MagtrackError } from "../../src/adapter-kit.js";
import { sanitizeLayer } from "./keys.js";

export const REFERENCE_TAG_PREFIX = "magtrack.reference.";
export const SETTINGS_TAG = "magtrack.settings";
export const LOGGED_ARTIFACTS_TAG = "mlflow.loggedArtifacts";
export const MAX_TAG_VALUE_CHARS = 8000;

export function referenceTagKey(layer: string): string {
  return `${REFERENCE_TAG_PREFIX}${sanitizeLayer(layer)}`;
}

export function encodeReference(ref: LayerReference): string {
  if (!Number.isFinite(ref.T) || ref.T <= 0) {
    throw new MagtrackError(
      "input",
      "MLFLOW_BAD_REFERENCE",
      `layer "${ref.layer}": reference scale T=${ref.T} is not a positive finite number`,
    );
  }
  const scale = {
    ...(ref.scale !== undefined ? { scale: ref.scale } : {}),
    ...(ref.scaleRun !== undefined ? { scaleRun: ref.scaleRun } : {}),
    ...(ref.scaleStep !== undefined ? { scaleStep: ref.scaleStep } : {}),
  };
  return checkedTagValue(
    referenceTagKey(ref.layer),
    JSON.stringify({ layer: ref.layer, T: ref.T, step: ref.step, source: ref.source, ...scale }),
  );
}

export function decodeReference(key: string, value: string, runId: string): LayerReference {
  let parsed: {
    layer?: unknown;
    T?: unknown;
    step?: unknown;
    source?: unknown;
    scale?: unknown;
    scaleRun?: unknown;
    scaleStep?: unknown;
  };
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badTag(runId, key, "not JSON");
  }
  const T = parsed?.T;
  const step = parsed?.step;
  if (
    typeof T !== "number" ||
    !(T > 0) ||
    !(step === null || (typeof step === "number" && Number.isSafeInteger(step)))
  ) {
    throw badTag(runId, key, 'expected {"T": number > 0, "step": integer or null, …}');
  }
  return {
    layer: typeof parsed.layer === "string" ? parsed.layer : key.slice(REFERENCE_TAG_PREFIX.length),
    T,
    step: step as number | null,
    source: typeof parsed.source === "string" ? parsed.source : "",
    // Which scale T is (docs/scale.md); absent in tags written before scale modes existed.
    ...(parsed.scale === "experiment" || parsed.scale === "run" || parsed.scale === "pinned"
      ? { scale: parsed.scale }
      : {}),
    ...(typeof parsed.scaleRun === "string" ? { scaleRun: parsed.scaleRun } : {}),
    ...(typeof parsed.scaleStep === "number" && Number.isSafeInteger(parsed.scaleStep)
      ? { scaleStep: parsed.scaleStep }
      : {}),
  };
}

export function sameReference(a: LayerReference, b: LayerReference): boolean {
  return a.layer === b.layer && a.T === b.T && a.step === b.step && a.source === b.source;
}

export function decodeSettings(value: string | undefined, runId: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw badTag(runId, SETTINGS_TAG, "not JSON");
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed))
    throw badTag(runId, SETTINGS_TAG, "not an object");
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) out[k] = typeof v === "string" ? v : JSON.stringify(v);
  return out;
}

/** Existing settings plus the keys they lack; null when nothing would change. */
export function mergeSettings(
  existing: Readonly<Record<string, string>> | undefined,
  incoming: Readonly<Record<string, string>>,
): string | null {
  const merged: Record<string, string> = { ...(existing ?? {}) };
  let added = false;
  for (const key of Object.keys(incoming).sort()) {
    if (!(key in merged)) {
      merged[key] = incoming[key]!;
      added = true;
    }
  }
  if (!added) return null;
  return checkedTagValue(SETTINGS_TAG, JSON.stringify(merged));
}

export interface LoggedArtifact {
  readonly path: string;
  readonly type: string;
}

/**
 * The mlflow.loggedArtifacts value with `entry` added (if absent); null when already present.
 * An existing value that is not a JSON list is left alone (returns "unparseable").
 */
export function mergeLoggedArtifacts(
  existing: string | undefined,
  entry: LoggedArtifact,
): string | null | "unparseable" {
  let list: unknown[] = [];
  if (existing !== undefined && existing !== "") {
    try {
      const parsed = JSON.parse(existing);
      if (!Array.isArray(parsed)) return "unparseable";
      list = parsed;
    } catch {
      return "unparseable";
    }
  }
  const present = list.some(
    (e) =>
      e !== null &&
      typeof e === "object" &&
      (e as LoggedArtifact).path === entry.path &&
      (e as LoggedArtifact).type === entry.type,
  );
  if (present) return null;
  return checkedTagValue(LOGGED_ARTIFACTS_TAG, JSON.stringify([...list, entry]));
}

export function checkedTagValue(key: string, value: string): string {
  if (value.length > MAX_TAG_VALUE_CHARS) {
    throw new MagtrackError(
      "tracker",
      "MLFLOW_TAG_TOO_LONG",
      `tag ${key}: value of ${value.length} characters exceeds MLflow's ${MAX_TAG_VALUE_CHARS} (the server would cut it silently)`,
    );
  }
  return value;
}

function badTag(runId: string, key: string, why: string): MagtrackError {
  return new MagtrackError(
    "tracker",
    "MLFLOW_BAD_TAG",
    `MLflow run ${runId}: tag ${key} is unreadable (${why}); fix or delete the tag`,
  );
}
