/**
 * magtrack's companion run of a W&B training run (docs/wandb-live.md): the live view of a run that
 * is still training, a run magtrack owns in the same project and group, so the training process's
 * history, summary and config are never written while it runs.
 *
 *   id            `<training id>-magtrack` (companionIdOf: deterministic, so creating is idempotent)
 *   display name  "<training name> · magtrack"
 *   config        magtrack.companion_of = <training id>; magtrack.companion = {state: "live" | "superseded", …}
 *   tags          magtrack-live (+ magtrack-superseded once the results are in the training run)
 *
 * Creation is wandb-core's own (core/internal/runupserter/runupserter.go): upsertBucket by name
 * with group, display name, config and tags; then the filestream's `complete` so the run is
 * "finished" and later syncs can resume it like any finished run (write-session.ts). The creation
 * config carries a pending marker {state: "finished"}: a kill between the two steps leaves a run
 * that W&B marks crashed and the next session completes.
 */
import { createHash } from "node:crypto";
import { MagtrackError, type RunRef } from "../../src/adapter-kit.js";
import { magtrackConfigProblems } from "./config-readback.js";
import { createRunByName } from "./create-run.js";
import { UPSERT_BUCKET_CONFIG_TAGS, UPSERT_BUCKET_CREATE } from "./documents.js";
import { type ExtendedJson, isJsonObject, parseObject, stringifyExtended } from "./extended-json.js";
import { type ResumeStatus, readResumeStatus } from "./resume-status.js";
import { companionOfConfig, MAGTRACK_CONFIG_KEY, mergeConfig } from "./run-config.js";
import type { SessionContext } from "./write-session.js";

type JsonObject = Record<string, ExtendedJson>;

export const COMPANION_SUFFIX = "-magtrack";
/**
 * Companion ids are kept to 64 characters. The official client refuses only empty ids, surrounding
 * whitespace and the characters :;,#?/' (wandb/sdk/wandb_settings.py validate_run_id); the server's
 * length limit is not in the client code, so magtrack stays at a length W&B's own 8-character ids
 * and typical user ids are far below.
 */
export const MAX_COMPANION_ID = 64;
export const LIVE_TAG = "magtrack-live";
export const SUPERSEDED_TAG = "magtrack-superseded";
/** Training run config: magtrack.live_companion = the companion's id (set when results land there). */
export const LIVE_COMPANION_KEY = "live_companion";

/**
 * `<id>-magtrack`; an id too long for that keeps its first characters and an 8-hex SHA-256 of the
 * whole id, so two long ids that share a prefix still get different companions. A training id is a
 * valid W&B id already, and the suffix adds only [a-z-]: the result is valid too.
 */
export function companionIdOf(trainingId: string): string {
  const plain = `${trainingId}${COMPANION_SUFFIX}`;
  if (plain.length <= MAX_COMPANION_ID) return plain;
  const hash = createHash("sha256").update(trainingId).digest("hex").slice(0, 8);
  const keep = MAX_COMPANION_ID - COMPANION_SUFFIX.length - hash.length - 1;
  return `${trainingId.slice(0, keep)}-${hash}${COMPANION_SUFFIX}`;
}

export function companionDisplayName(training: RunRef): string {
  return `${training.displayName ?? training.id} · magtrack`;
}

/** The companion's record of its own role (config magtrack.companion). */
export function companionEntry(state: "live" | "superseded", trainingId: string): JsonObject {
  return state === "live"
    ? { state: "live", results_in: trainingId }
    : { state: "superseded", results_in: trainingId, note: "the training run holds magtrack's results" };
}

const where = (ctx: Pick<SessionContext, "entity" | "project">, run: string) =>
  `W&B run ${ctx.entity}/${ctx.project}/${run}`;

/**
 * The companion's resume status, or null when it does not exist. A run of that id that is not
 * this training run's companion (a user's own run, another run's companion) is refused: magtrack
 * never writes into it.
 */
export async function readCompanion(
  ctx: Pick<SessionContext, "api" | "entity" | "project">,
  trainingId: string,
  signal?: AbortSignal,
): Promise<ResumeStatus | null> {
  const id = companionIdOf(trainingId);
  const status = await readResumeStatus(ctx.api, ctx.entity, ctx.project, id, signal);
  if (status === null) return null;
  const of = companionOfConfig(status.config);
  if (of !== trainingId) {
    throw new MagtrackError(
      "tracker",
      "WANDB_COMPANION_CONFLICT",
      `${where(ctx, id)} exists but is not magtrack's companion of run ${trainingId} (config magtrack.companion_of is ${of === undefined ? "absent" : `"${of}"`}): nothing is written into it`,
    );
  }
  return status;
}

/**
 * Create the companion (idempotent: the id is deterministic and upsertBucket by an existing name
 * updates that run instead of adding one; the config is the same on every attempt). Only called
 * when readCompanion found none.
 */
export async function createCompanion(
  ctx: SessionContext,
  training: RunRef,
  signal?: AbortSignal,
): Promise<void> {
  const id = companionIdOf(training.id);
  const group = typeof training.extra?.group === "string" ? training.extra.group : undefined;
  const config = mergeConfig(
    {},
    {
      newReferences: [],
      settings: {},
      panels: {},
      // The state a session restores if this creation is cut before `complete` below.
      pending: { state: "finished", startedAt: "creation" },
      links: { companion_of: training.id, companion: companionEntry("live", training.id) },
    },
  );
  const bucket = await createRunByName(
    ctx,
    UPSERT_BUCKET_CREATE,
    {
      name: id,
      project: ctx.project,
      entity: ctx.entity,
      ...(group !== undefined ? { groupName: group } : {}),
      displayName: companionDisplayName(training),
      config: stringifyExtended(config),
      tags: [LIVE_TAG],
    },
    "the companion",
    where(ctx, id),
    signal,
  );
  const problems = magtrackConfigProblems(parseObject(bucket.config, `${where(ctx, id)} config`), config);
  if (problems.length > 0) {
    throw new MagtrackError(
      "tracker",
      "WANDB_READBACK_MISMATCH",
      `${where(ctx, id)}: companion config read back differs: ${problems.join("; ")}`,
    );
  }
  // Filestream semantics: `complete` with exit code 0 makes the run "finished" (filestreamrequest.go).
  await ctx.api.fileStream(
    ctx.entity,
    ctx.project,
    id,
    JSON.stringify({ complete: true, exitcode: 0 }),
    signal,
  );
}

/** The companion's magtrack.companion.state, if it has one. */
export function companionStateOf(config: JsonObject): string | undefined {
  const entry = config[MAGTRACK_CONFIG_KEY];
  const v = isJsonObject(entry) && isJsonObject(entry.value) ? entry.value : {};
  const c = v.companion;
  return isJsonObject(c) && typeof c.state === "string" ? c.state : undefined;
}

/**
 * Mark the companion superseded (its results now live in the training run): config
 * magtrack.companion.state = "superseded" and the tag magtrack-superseded. Its history, summary and
 * charts stay: it remains the record of what was seen while the run trained. Idempotent; a missing
 * companion is nothing to do.
 */
export async function markSuperseded(
  ctx: SessionContext,
  trainingId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const status = await readCompanion(ctx, trainingId, signal);
  if (status === null) return false;
  if (companionStateOf(status.config) === "superseded") return true;
  await setCompanionState(ctx, companionIdOf(trainingId), status, "superseded", trainingId, signal);
  return true;
}

/** config magtrack.companion = companionEntry(state) and the matching tags, by storage id. */
export async function setCompanionState(
  ctx: SessionContext,
  id: string,
  status: ResumeStatus,
  state: "live" | "superseded",
  trainingId: string,
  signal?: AbortSignal,
): Promise<void> {
  const config = mergeConfig(status.config, {
    newReferences: [],
    settings: {},
    panels: {},
    links: { companion: companionEntry(state, trainingId) },
  });
  const tags = state === "live" ? [LIVE_TAG] : [LIVE_TAG, SUPERSEDED_TAG];
  const data = await ctx.api.graphql<{
    upsertBucket: { bucket: { id: string; name: string; config: unknown } | null } | null;
  }>(UPSERT_BUCKET_CONFIG_TAGS, { id: status.storageId, config: stringifyExtended(config), tags }, signal);
  const bucket = data.upsertBucket?.bucket;
  const problems =
    bucket && bucket.name === id
      ? magtrackConfigProblems(parseObject(bucket.config, `${where(ctx, id)} config`), config)
      : [`upsertBucket answered for ${bucket ? `run ${bucket.name}` : "no run"}`];
  if (problems.length > 0) {
    throw new MagtrackError(
      "tracker",
      "WANDB_READBACK_MISMATCH",
      `${where(ctx, id)}: marking the companion ${state}: ${problems.join("; ")}`,
    );
  }
}
