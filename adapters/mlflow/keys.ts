/**
 * MLflow key rules (metric and tag names): at most 250 characters of [/\w.\- :], no "..", no
 * leading "/" (server-side validation, ../shared/TRACKERS.md). Layer names come from artifact
 * paths and may hold anything, so they are sanitised into a safe, stable, collision-resistant
 * form before they become part of a key:
 *
 *   1. every character outside [A-Za-z0-9_\-. :] becomes "_" ("/" too: it separates key parts);
 *   2. runs of two or more "." become "_";
 *   3. if that changed anything, or the name is empty or longer than MAX_LAYER_CHARS, the result
 *      is cut to MAX_LAYER_CHARS − 9 characters and "_" + 8 hex digits of FNV-1a(original UTF-8)
 *      are appended, so "a[0]" and "a(0)" stay distinct.
 *
 * A name that is already valid is used unchanged. The original name travels in the reference tag
 * (see tags.ts), so results read back under their original layer name.
 */
import {
  MagtrackError,
  metricKey,
  parseMetricKey as parseKitMetricKey,
  type ResultFamily,
} from "../../src/adapter-kit.js";

export const MAX_KEY_CHARS = 250;
export const MAX_LAYER_CHARS = 200;
const KEY_CHARS = /^[/\w.\- :]*$/;

export function isValidKey(key: string): boolean {
  return (
    key.length > 0 &&
    key.length <= MAX_KEY_CHARS &&
    /^[\x20-\x7e]*$/.test(key) &&
    KEY_CHARS.test(key) &&
    !key.includes("..") &&
    !key.startsWith("/")
  );
}

/** Throws a typed error naming the key when it would be refused by the server. */
export function assertValidKey(key: string, what: string): string {
  if (!isValidKey(key)) {
    throw new MagtrackError(
      "input",
      "MLFLOW_BAD_KEY",
      `${what} "${key.slice(0, 80)}" is not a valid MLflow key (≤ ${MAX_KEY_CHARS} chars of letters, digits, _ - . : space /, no "..", no leading "/")`,
    );
  }
  return key;
}

/** FNV-1a 32-bit over UTF-8 bytes, as 8 hex digits: h ← (h ⊕ byte) · 16777619 mod 2^32. */
export function fnv1a32(text: string): string {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export function sanitizeLayer(layer: string): string {
  const cleaned = layer.replace(/[^A-Za-z0-9_\-. :]/g, "_").replace(/\.{2,}/g, "_");
  if (cleaned === layer && layer.length > 0 && layer.length <= MAX_LAYER_CHARS) return layer;
  return `${cleaned.slice(0, MAX_LAYER_CHARS - 9)}_${fnv1a32(layer)}`;
}

/** Artifact path segment: same character set, never "." or "..". */
export function sanitizePathSegment(segment: string): string {
  const cleaned = segment.replace(/[^A-Za-z0-9_\-. ]/g, "_").replace(/\.{2,}/g, "_");
  return cleaned === "" || cleaned === "." ? "_" : cleaned;
}

/**
 * A chart path from the pipeline ("magnitude/<layer>/curves.svg") as a safe artifact path. The
 * layer part is recognised against the run's layer names (which may themselves contain "/" or
 * "..") and sanitised exactly like metric keys, so charts sit next to the metrics' names; the
 * remaining segments are sanitised character by character.
 */
export function sanitizeArtifactPath(path: string, layers: readonly string[] = []): string {
  const byLength = [...layers].sort((a, b) => b.length - a.length);
  const layer = byLength.find((l) => path.startsWith(`${METRIC_PREFIX}${l}/`));
  const clean = (p: string) =>
    p
      .split("/")
      .filter((s) => s !== "")
      .map(sanitizePathSegment)
      .join("/");
  if (layer === undefined) return clean(path);
  return `${METRIC_PREFIX}${sanitizeLayer(layer)}/${clean(path.slice(METRIC_PREFIX.length + layer.length + 1))}`;
}

export const METRIC_PREFIX = "magnitude/";

/** "<family>/<layer>/<name>" with the layer sanitised; throws when the metric name is not valid. */
export function mlflowMetricKey(layer: string, name: string, family: ResultFamily = "magnitude"): string {
  return assertValidKey(
    metricKey(sanitizeLayer(layer), name, family),
    `metric "${name}" of layer "${layer}"`,
  );
}

/** Split "<family>/<layer>/<name>" (families: adapter-kit RESULT_FAMILIES); null for keys that are not ours. */
export const parseMetricKey = parseKitMetricKey;
