/**
 * Reading back what magtrack already appended to a run's history (the source of truth for
 * "which (layer, step) is done"). The rows are read whole with wandb-core's HistoryPage query in
 * `_step` windows of PAGE steps: `_step` is unique per row, so a window never holds more than
 * PAGE rows and the server never down-samples it. The scan starts at the hint magtrack keeps in
 * config (magtrack.historyStart = the `_step` of its first row), so a long training history is
 * not re-read on every sync; without the hint, RunHistoryKeys tells whether any magtrack key
 * exists at all before a full scan.
 */
import type { StepResult } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { HISTORY_PAGE, RUN_HISTORY_KEYS } from "./documents.js";
import { type ExtendedJson, parseObject } from "./extended-json.js";
import { isMagtrackHistoryKey, resultsFromRows } from "./history-rows.js";
import { jsonObjectField, jsonStringField } from "./scalars.js";

export const HISTORY_PAGE_STEPS = 1000;

export async function readWrittenResults(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  window: { readonly start: number | undefined; readonly nextStep: number },
  signal?: AbortSignal,
): Promise<StepResult[]> {
  const where = `W&B run ${entity}/${project}/${run}`;
  let start = window.start;
  if (start === undefined) {
    const data = await api.graphql<{ project: { run: { historyKeys: unknown } | null } | null }>(
      RUN_HISTORY_KEYS,
      { entity, project, name: run },
      signal,
    );
    // historyKeys is a `JSON` field: already parsed ({"lastStep": …, "keys": {…}}), see scalars.ts.
    const keys = jsonObjectField(data.project?.run?.historyKeys, `${where} historyKeys`)?.keys;
    const names = keys && typeof keys === "object" && !Array.isArray(keys) ? Object.keys(keys) : [];
    if (!names.some(isMagtrackHistoryKey)) return [];
    start = 0;
  }
  const rows: Record<string, ExtendedJson>[] = [];
  for (let lo = Math.max(0, Math.floor(start)); lo < window.nextStep; lo += HISTORY_PAGE_STEPS) {
    signal?.throwIfAborted();
    const data = await api.graphql<{ project: { run: { history: unknown[] | null } | null } | null }>(
      HISTORY_PAGE,
      { entity, project, run, minStep: lo, maxStep: lo + HISTORY_PAGE_STEPS, pageSize: HISTORY_PAGE_STEPS },
      signal,
    );
    // Run.history is [JSONString]: each row a string to parse (wandb-core: `History []string`).
    for (const line of data.project?.run?.history ?? []) {
      rows.push(parseObject(jsonStringField(line, `${where} history row`), `${where} history row`));
    }
  }
  return resultsFromRows(rows);
}
