/**
 * Creating one of magtrack's own runs (a companion, the report run, the scale run) by name, as
 * wandb-core creates runs (core/internal/runupserter/runupserter.go: upsertBucket by name with the
 * run's fields), checking that the server answered for that run.
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import type { SessionContext } from "./write-session.js";

export interface CreatedBucket {
  readonly id: string;
  readonly name: string;
  readonly config?: unknown;
}

/**
 * Sends `document` (an upsertBucket mutation) with `variables` (name, project, entity and the
 * run's fields) and returns the bucket; `what` and `where` name the run in the error when the
 * answer is for no run or another one.
 */
export async function createRunByName(
  ctx: Pick<SessionContext, "api">,
  document: string,
  variables: Readonly<Record<string, unknown>> & { readonly name: string },
  what: string,
  where: string,
  signal?: AbortSignal,
): Promise<CreatedBucket> {
  const data = await ctx.api.graphql<{ upsertBucket: { bucket: CreatedBucket | null } | null }>(
    document,
    variables,
    signal,
  );
  const bucket = data.upsertBucket?.bucket;
  if (!bucket || bucket.name !== variables.name) {
    throw new MagtrackError(
      "tracker",
      "WANDB_UPSERT_WRONG_RUN",
      `${where}: creating ${what} answered for ${bucket ? `run ${bucket.name}` : "no run"}`,
    );
  }
  return bucket;
}
