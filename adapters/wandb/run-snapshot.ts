/**
 * What the runs page already says about a run (RunFragment fields of wandb/apis/public/runs.py:
 * config, summaryMetrics, historyLineCount, historyKeys), enough to read magtrack's state without
 * a request per run:
 *   - config → magtrack's references, settings, history hint, pending marker;
 *   - next `_step` as wandb-core's resume computes it (runbranch/resume.go): one above the larger
 *     of summary._step and the last history step, here historyKeys.lastStep (what the public
 *     client reads as run.history_keys["lastStep"]); 1 when lines exist without a step, 0 when empty;
 *   - whether any magtrack key is in the history at all (historyKeys.keys).
 * historyKeys is a GraphQL `JSON` field: it arrives parsed (wandb-core binds JSON to interface{},
 * core/api/graphql/genqlient.yaml); a JSON text is refused as WANDB_BAD_SCALAR (scalars.ts).
 * The write session never uses this snapshot: it reads RunResumeStatus afresh before writing.
 */
import type { ExtendedJson } from "./extended-json.js";
import { parseObject } from "./extended-json.js";
import { isMagtrackHistoryKey } from "./history-rows.js";
import { jsonObjectField } from "./scalars.js";

type JsonObject = Record<string, ExtendedJson>;

export interface RunSnapshot {
  readonly config: JsonObject;
  readonly summary: JsonObject;
  readonly historyLineCount: number | undefined;
  /** `_step` of the next history row. */
  readonly nextStep: number;
  /** Some history key is magtrack's (undefined: historyKeys not given). */
  readonly hasMagtrackKeys: boolean | undefined;
}

export interface SnapshotFields {
  config?: string | null;
  summaryMetrics?: string | null;
  historyLineCount?: number | null;
  historyKeys?: unknown;
}

const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** The snapshot of a runs-page node, or undefined when the page lacks the fields. */
export function snapshotOf(node: SnapshotFields, where: string): RunSnapshot | undefined {
  if (node.summaryMetrics === undefined || node.historyLineCount === undefined) return undefined;
  const config = parseObject(node.config ?? null, `${where} config`);
  const summary = parseObject(node.summaryMetrics ?? null, `${where} summaryMetrics`);
  const keys: unknown = jsonObjectField(node.historyKeys, `${where} historyKeys`) ?? {};
  const lineCount = typeof node.historyLineCount === "number" ? node.historyLineCount : undefined;
  let lastStep = typeof summary._step === "number" ? summary._step : -1;
  let hasMagtrackKeys: boolean | undefined;
  if (isObject(keys)) {
    if (typeof keys.lastStep === "number") lastStep = Math.max(lastStep, keys.lastStep);
    hasMagtrackKeys = isObject(keys.keys) ? Object.keys(keys.keys).some(isMagtrackHistoryKey) : false;
  }
  const nextStep = lastStep >= 0 ? Math.floor(lastStep) + 1 : (lineCount ?? 0) > 0 ? 1 : 0;
  return { config, summary, historyLineCount: lineCount, nextStep, hasMagtrackKeys };
}

export function runSnapshot(extra: Readonly<Record<string, unknown>> | undefined): RunSnapshot | undefined {
  const s = extra?.snapshot;
  return isObject(s) ? (s as unknown as RunSnapshot) : undefined;
}
