/**
 * W&B's two JSON-ish GraphQL scalars, read as the official clients read them:
 * - `JSONString` (Run.config, summaryMetrics, systemMetrics, historyTail, wandbConfig, the items of
 *   Run.history, the `filters` argument, UpsertBucketInput.config/summaryMetrics) travels as a string
 *   holding JSON: wandb-core binds it to Go `string` (core/api/graphql/genqlient.yaml) and the public
 *   client json.loads it (wandb/apis/public/runs.py `_convert_to_dict`, `Run._full_history`).
 * - `JSON` (Run.historyKeys, Run.sampledHistory) arrives already parsed: wandb-core binds it to
 *   `interface{}` and the public client reads `historyKeys.get("lastStep")` straight from the
 *   response (wandb/apis/public/runs.py `Run.lastHistoryStep`).
 * A value of the other kind is a protocol error, said as such, rather than a crash deeper down
 * (the bug this guards against: `text.trim is not a function` on a parsed historyKeys).
 */
import { MagtrackError } from "../../src/adapter-kit.js";

/** A `JSONString` field: a string, or absent (null/undefined → null). */
export function jsonStringField(value: unknown, what: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "string") return value;
  throw new MagtrackError(
    "tracker",
    "WANDB_BAD_SCALAR",
    `${what}: a JSONString field must arrive as a string holding JSON, got ${kindOf(value)}`,
  );
}

/** A `JSON` field holding an object: already parsed, or absent (→ null). */
export function jsonObjectField(value: unknown, what: string): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new MagtrackError(
    "tracker",
    "WANDB_BAD_SCALAR",
    `${what}: a JSON field arrives parsed (an object here), got ${kindOf(value)}`,
  );
}

function kindOf(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return "a string";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}
