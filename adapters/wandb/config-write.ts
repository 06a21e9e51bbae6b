/**
 * upsertBucket(id, config): replaces the run's whole config (so callers always send a merge of
 * what they read), addressed by storage id — never by name, which would create a run. The answer's
 * config is checked for what magtrack wrote only (config-readback.ts) and returned, so the next
 * write starts from what the server holds, keys it added included.
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import { magtrackConfigProblems } from "./config-readback.js";
import { UPSERT_BUCKET_CONFIG } from "./documents.js";
import { type ExtendedJson, parseObject, stringifyExtended } from "./extended-json.js";
import type { SessionContext } from "./write-session.js";

type JsonObject = Record<string, ExtendedJson>;

export async function upsertConfig(
  ctx: Pick<SessionContext, "api" | "entity" | "project">,
  run: string,
  storageId: string,
  config: JsonObject,
  signal?: AbortSignal,
): Promise<JsonObject> {
  const at = `W&B run ${ctx.entity}/${ctx.project}/${run}`;
  const data = await ctx.api.graphql<{
    upsertBucket: { bucket: { id: string; name: string; config: unknown } | null } | null;
  }>(UPSERT_BUCKET_CONFIG, { id: storageId, config: stringifyExtended(config) }, signal);
  const bucket = data.upsertBucket?.bucket;
  if (!bucket || bucket.name !== run) {
    throw new MagtrackError(
      "tracker",
      "WANDB_UPSERT_WRONG_RUN",
      `${at}: upsertBucket answered for ${bucket ? `run ${bucket.name}` : "no run"}`,
    );
  }
  const stored = parseObject(bucket.config, `${at} config after upsert`);
  const problems = magtrackConfigProblems(stored, config);
  if (problems.length > 0) {
    throw new MagtrackError(
      "tracker",
      "WANDB_READBACK_MISMATCH",
      `${at}: config read back differs from what was written: ${problems.join("; ")}`,
      { details: { problems } },
    );
  }
  return stored;
}
