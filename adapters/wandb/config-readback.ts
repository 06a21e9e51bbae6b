/**
 * Reading a config back after upsertBucket: only what magtrack wrote is checked — the `magtrack`
 * entry, its define_metric records in _wandb.value.m and its chart panels in _wandb.value.visualize
 * — and keys the server adds (anywhere) are tolerated. Comparing the whole object made every sync
 * fail for good on a server that adds a key on write, and left the pending marker behind.
 * (That the user's own keys are unchanged is checked separately, against the config read before
 * writing: write-session.ts `verify`.)
 */
import { type ExtendedJson, isJsonObject, sameJson } from "./extended-json.js";
import { MAGTRACK_CONFIG_KEY, METRIC_GLOB, STEP_METRIC, wandbBlock } from "./run-config.js";

type JsonObject = Record<string, ExtendedJson>;

/** `stored` holds everything in `sent`: objects may have more keys, arrays the same items, numbers the same text. */
export function containsJson(stored: unknown, sent: unknown): boolean {
  if (isJsonObject(sent)) {
    if (!isJsonObject(stored)) return false;
    return Object.entries(sent).every(([k, v]) => Object.hasOwn(stored, k) && containsJson(stored[k], v));
  }
  if (Array.isArray(sent)) {
    return (
      Array.isArray(stored) &&
      stored.length === sent.length &&
      sent.every((v, i) => containsJson(stored[i], v))
    );
  }
  return sameJson(stored, sent);
}

const isOwnMetricRecord = (e: unknown) =>
  isJsonObject(e) && (e["1"] === STEP_METRIC || e["2"] === METRIC_GLOB);
/** magtrack's panels: magnitude/<layer>/curves (run-config.ts chartKey). */
const isOwnPanelKey = (k: string) => k.startsWith("magnitude/") && k.endsWith("/curves");

/** Every way `stored` fails to hold what magtrack put into `sent`, as text (empty = fine). */
export function magtrackConfigProblems(stored: JsonObject, sent: JsonObject): string[] {
  const problems: string[] = [];
  const sentOwn = sent[MAGTRACK_CONFIG_KEY];
  if (sentOwn !== undefined && !containsJson(stored[MAGTRACK_CONFIG_KEY], sentOwn)) {
    problems.push(`config ${MAGTRACK_CONFIG_KEY} differs from what was written`);
  }
  // The pending marker must be gone when it was removed (containment alone would allow it).
  const pendingSent = isJsonObject(sentOwn) && isJsonObject(sentOwn.value) && "pending" in sentOwn.value;
  const storedOwn = stored[MAGTRACK_CONFIG_KEY];
  if (
    !pendingSent &&
    isJsonObject(storedOwn) &&
    isJsonObject(storedOwn.value) &&
    "pending" in storedOwn.value
  ) {
    problems.push(`config ${MAGTRACK_CONFIG_KEY}.value.pending is still there after it was removed`);
  }
  const sentBlock = wandbBlock(sent);
  const storedBlock = wandbBlock(stored);
  const sentM = Array.isArray(sentBlock.m) ? sentBlock.m : [];
  const storedM = Array.isArray(storedBlock.m) ? storedBlock.m : [];
  sentM.forEach((e, i) => {
    // Same index: the glob record points at the step record by its 1-based position.
    if (isOwnMetricRecord(e) && !containsJson(storedM[i], e)) problems.push(`config _wandb.m[${i}] differs`);
  });
  const sentViz = isJsonObject(sentBlock.visualize) ? sentBlock.visualize : {};
  const storedViz = isJsonObject(storedBlock.visualize) ? storedBlock.visualize : {};
  for (const [k, panel] of Object.entries(sentViz)) {
    if (isOwnPanelKey(k) && !containsJson(storedViz[k], panel))
      problems.push(`config _wandb.visualize.${k} differs`);
  }
  return problems;
}
