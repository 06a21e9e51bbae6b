/**
 * RunResumeStatus, read exactly as wandb-core's runbranch/resume.go reads it: the history line
 * count is the filestream offset of the next line, and the next `_step` is one above the larger
 * of summary._step and the last history line's _step (when the history is not empty).
 */
import { MagtrackError } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { RUN_RESUME_STATUS } from "./documents.js";
import { type ExtendedJson, numberOf, parseExtended, parseObject } from "./extended-json.js";
import { jsonStringField } from "./scalars.js";

export interface ResumeStatus {
  readonly storageId: string;
  readonly historyLineCount: number;
  /** The last history lines as W&B returns them (each an extended-JSON object). */
  readonly historyTail: readonly string[];
  readonly summary: Record<string, ExtendedJson>;
  readonly config: Record<string, ExtendedJson>;
  /** `_step` of the next history row. */
  readonly nextStep: number;
}

interface Bucket {
  id: string;
  name: string;
  /** JSONString fields (strings holding JSON), see scalars.ts. */
  summaryMetrics?: unknown;
  historyLineCount?: number | null;
  historyTail?: unknown;
  config?: unknown;
}

export async function readResumeStatus(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  signal?: AbortSignal,
): Promise<ResumeStatus | null> {
  const where = `W&B run ${entity}/${project}/${run}`;
  const data = await api.graphql<{ model: { bucket: Bucket | null } | null }>(
    RUN_RESUME_STATUS,
    { entity, project, name: run },
    signal,
  );
  const bucket = data.model?.bucket;
  if (!bucket) return null;
  if (typeof bucket.historyLineCount !== "number" || !Number.isSafeInteger(bucket.historyLineCount)) {
    throw new MagtrackError(
      "tracker",
      "WANDB_NO_LINE_COUNT",
      `${where}: RunResumeStatus has no historyLineCount`,
    );
  }
  // historyTail is a JSONString holding a JSON list of history lines (each itself JSON text).
  const tail = parseExtended(
    jsonStringField(bucket.historyTail, `${where} historyTail`) ?? "[]",
    `${where} historyTail`,
  );
  if (!Array.isArray(tail) || !tail.every((l) => typeof l === "string")) {
    throw new MagtrackError("tracker", "WANDB_BAD_TAIL", `${where}: historyTail is not a list of lines`);
  }
  const summary = parseObject(bucket.summaryMetrics, `${where} summaryMetrics`);
  const config = parseObject(bucket.config, `${where} config`);
  const summaryStep = numberOf(summary._step);
  let lastStep = Number.isFinite(summaryStep) ? summaryStep : -1;
  const lastLine =
    tail.length > 0 ? parseObject(tail[tail.length - 1] as string, `${where} last history line`) : {};
  const lineStep = numberOf(lastLine._step);
  if (Number.isFinite(lineStep)) lastStep = Math.max(lastStep, lineStep);
  // wandb-core: the last step + 1; 1 when lines exist but carry no _step; 0 for an empty run.
  const nextStep = lastStep >= 0 ? Math.floor(lastStep) + 1 : bucket.historyLineCount > 0 ? 1 : 0;
  return {
    storageId: bucket.id,
    historyLineCount: bucket.historyLineCount,
    historyTail: tail as string[],
    summary,
    config,
    nextStep,
  };
}
