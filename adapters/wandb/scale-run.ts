/**
 * The experiment-level scale store on W&B (--scale experiment, docs/scale.md): a run magtrack
 * creates once per project, apart from the training runs, holding one run file per layer:
 *
 *   id            magtrack-scale (fixed: creating is idempotent, every shard finds the same run)
 *   display name  "magtrack scale"; group "magtrack", job type "magtrack-scale", tag magtrack-scale
 *   config        magtrack.kind = "scale"
 *   files         magtrack-scale/<encodeURIComponent(layer)>.json = encodeExperimentScale(scale)
 *
 * Why run files and not the run's config: a config is written whole (upsertBucket replaces it), so
 * two shards fixing different layers at once could erase each other's entry with read → merge →
 * write; files are addressed by name, so each layer's record is written on its own. W&B has no
 * create-if-absent for a file either: create reads first and never writes over a stored record, and
 * racers that both saw nothing propose the same deterministic value (find-reference.ts); the
 * pipeline adopts what it reads back (shared-scales.ts).
 *
 * Creation is the report run's (report-run.ts: upsertBucket by name as wandb-core creates runs,
 * then the filestream's `complete`), so the run is "finished" and listRuns skips it (runs.ts). A run
 * named magtrack-scale that is not ours is refused and left alone.
 */
import {
  decodeExperimentScale,
  type ExperimentScale,
  encodeExperimentScale,
  MagtrackError,
} from "../../src/adapter-kit.js";
import { createRunByName } from "./create-run.js";
import { UPSERT_BUCKET_CREATE_REPORT } from "./documents.js";
import { stringifyExtended } from "./extended-json.js";
import { magtrackKindOf } from "./report-run.js";
import { readResumeStatus } from "./resume-status.js";
import { MAGTRACK_CONFIG_KEY } from "./run-config.js";
import { runFiles, type SessionContext, uploadRunFiles } from "./write-session.js";

export const SCALE_RUN_ID = "magtrack-scale";
export const SCALE_KIND_VALUE = "scale";
const SCALE_DISPLAY_NAME = "magtrack scale";
const SCALE_GROUP = "magtrack";
const SCALE_JOB_TYPE = "magtrack-scale";
const SCALE_TAG = "magtrack-scale";
const SCALE_FILES_DIR = "magtrack-scale";
/** A record is a few hundred bytes; anything near this is not ours. */
const MAX_SCALE_FILE_BYTES = 64 * 1024;

type ScaleContext = Pick<SessionContext, "api" | "entity" | "project">;

/** The run file holding a layer's scale (any layer name is one path segment). */
export function scaleFileName(layer: string): string {
  return `${SCALE_FILES_DIR}/${encodeURIComponent(layer)}.json`;
}

const where = (ctx: ScaleContext) => `W&B run ${ctx.entity}/${ctx.project}/${SCALE_RUN_ID}`;

/** true: the run exists and is ours; false: there is none; a typed refusal when the id is someone else's. */
async function scaleRunExists(ctx: ScaleContext, signal?: AbortSignal): Promise<boolean> {
  const status = await readResumeStatus(ctx.api, ctx.entity, ctx.project, SCALE_RUN_ID, signal);
  if (status === null) return false;
  const kind = magtrackKindOf(status.config);
  if (kind !== SCALE_KIND_VALUE) {
    throw new MagtrackError(
      "tracker",
      "WANDB_SCALE_RUN_CONFLICT",
      `${where(ctx)} exists but is not magtrack's scale run (config magtrack.kind is ${kind === undefined ? "absent" : `"${kind}"`}): nothing is written into it; rename or move that run, or sync with --scale run`,
    );
  }
  return true;
}

async function createScaleRun(ctx: ScaleContext, signal?: AbortSignal): Promise<void> {
  const config = { [MAGTRACK_CONFIG_KEY]: { value: { kind: SCALE_KIND_VALUE } } };
  await createRunByName(
    ctx,
    UPSERT_BUCKET_CREATE_REPORT,
    {
      name: SCALE_RUN_ID,
      project: ctx.project,
      entity: ctx.entity,
      groupName: SCALE_GROUP,
      displayName: SCALE_DISPLAY_NAME,
      notes: "magtrack's experiment-level reference scale T per layer (one file per layer; docs/scale.md)",
      jobType: SCALE_JOB_TYPE,
      config: stringifyExtended(config),
      tags: [SCALE_TAG],
    },
    "the scale run",
    where(ctx),
    signal,
  );
}

/** Finished, as the report run: the filestream's `complete` (wandb-core's run exit). */
async function finishScaleRun(ctx: ScaleContext, signal?: AbortSignal): Promise<void> {
  await ctx.api.fileStream(
    ctx.entity,
    ctx.project,
    SCALE_RUN_ID,
    JSON.stringify({ complete: true, exitcode: 0 }),
    signal,
  );
}

export function wandbExperimentScales(ctx: ScaleContext) {
  /** The layer's record in the scale run, known to exist and be ours; null when it has none. */
  const readFile = async (layer: string, signal?: AbortSignal): Promise<ExperimentScale | null> => {
    const name = scaleFileName(layer);
    const file = (await runFiles(ctx, SCALE_RUN_ID, [name], signal)).get(name);
    if (!file?.directUrl) return null;
    const bytes = await ctx.api.downloadSigned(file.directUrl, MAX_SCALE_FILE_BYTES, signal);
    const at = `${where(ctx)} file ${name}`;
    const scale = decodeExperimentScale(new TextDecoder().decode(bytes), at);
    if (scale.layer !== layer) {
      throw new MagtrackError(
        "tracker",
        "BAD_EXPERIMENT_SCALE",
        `${at}: holds the scale of layer "${scale.layer}", not "${layer}"`,
      );
    }
    return scale;
  };
  return {
    async readExperimentScale(layer: string, signal?: AbortSignal): Promise<ExperimentScale | null> {
      return (await scaleRunExists(ctx, signal)) ? readFile(layer, signal) : null;
    },
    async createExperimentScale(scale: ExperimentScale, signal?: AbortSignal): Promise<void> {
      const bytes = new TextEncoder().encode(encodeExperimentScale(scale));
      const existed = await scaleRunExists(ctx, signal);
      if (existed && (await readFile(scale.layer, signal)) !== null) return; // never replaced
      if (!existed) await createScaleRun(ctx, signal);
      // the record first, so a failure after it leaves the value stored (a later read finds it)
      const file = { path: scaleFileName(scale.layer), bytes, contentType: "application/json" };
      await uploadRunFiles(ctx, SCALE_RUN_ID, [file], signal);
      if (!existed) await finishScaleRun(ctx, signal);
    },
  };
}
