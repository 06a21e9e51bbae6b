/**
 * Reading back what magtrack already appended to a run's history (the source of truth for
 * "which (layer, step) is done"). Rows are read whole with wandb-core's HistoryPage query
 * (minStep ≤ _step < maxStep, at most `samples` rows; beyond that the server down-samples, so a
 * window that comes back full is never trusted: it is cut to a quarter and read again).
 *
 * The windows are sized by ROWS, not steps: `_step` is unique per row, so a window of the run's
 * step span holds at most historyLineCount rows. When the run has at most HISTORY_PAGE_ROWS lines
 * the whole span is one request, whatever its steps (a run that logged steps up to 10^7 costs one
 * call, not 10^4). Longer histories start from the window their average density fills to 90 % of
 * a page, double after a window that came back under a quarter full, and shrink to a quarter after a full one.
 *
 * The scan starts at the hint magtrack keeps in config (magtrack.historyStart = the `_step` of
 * its first row). Without the hint, historyKeys says whether any magtrack key exists at all
 * (from the runs page when it has it, else RunHistoryKeys) before a scan from step 0.
 */
import type { StepResult } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { HISTORY_PAGE, RUN_HISTORY_KEYS } from "./documents.js";
import { type ExtendedJson, parseObject } from "./extended-json.js";
import { isMagtrackHistoryKey, resultsFromRows } from "./history-rows.js";
import { jsonObjectField, jsonStringField } from "./scalars.js";

export const HISTORY_PAGE_ROWS = 1000;
/** Share of a page a window is sized to hold at the history's average density. */
const FILL = 0.9;

export interface HistoryWindow {
  /** `_step` of magtrack's first row (config hint), if known. */
  readonly start: number | undefined;
  /** `_step` of the next row: the scan ends below it. */
  readonly nextStep: number;
  /** Lines in the history (bounds the rows of any window), if known. */
  readonly lineCount?: number | undefined;
  /** Whether historyKeys lists a magtrack key, if known. */
  readonly hasMagtrackKeys?: boolean | undefined;
}

async function historyHasMagtrackKeys(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  signal?: AbortSignal,
): Promise<boolean> {
  const data = await api.graphql<{ project: { run: { historyKeys: unknown } | null } | null }>(
    RUN_HISTORY_KEYS,
    { entity, project, name: run },
    signal,
  );
  // historyKeys is a `JSON` field: already parsed ({"lastStep": …, "keys": {…}}), see scalars.ts.
  const where = `W&B run ${entity}/${project}/${run}`;
  const keys = jsonObjectField(data.project?.run?.historyKeys, `${where} historyKeys`)?.keys;
  const names = keys && typeof keys === "object" && !Array.isArray(keys) ? Object.keys(keys) : [];
  return names.some(isMagtrackHistoryKey);
}

export async function readWrittenResults(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  window: HistoryWindow,
  signal?: AbortSignal,
): Promise<StepResult[]> {
  let start = window.start;
  if (start === undefined) {
    const has = window.hasMagtrackKeys ?? (await historyHasMagtrackKeys(api, entity, project, run, signal));
    if (!has) return [];
    start = 0;
  }
  return resultsFromRows(await readHistoryRows(api, entity, project, run, { ...window, start }, signal));
}

/**
 * Every history row with start ≤ `_step` < nextStep, parsed, in `_step` order, read in the windows
 * described at the top of this file (a window that comes back full is read again in quarters, so
 * a down-sampled page is never used). Shared by the result scan and readRunMetrics.
 */
export async function readHistoryRows(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  window: HistoryWindow & { readonly start: number },
  signal?: AbortSignal,
): Promise<Record<string, ExtendedJson>[]> {
  const where = `W&B run ${entity}/${project}/${run}`;
  const lo0 = Math.max(0, Math.floor(window.start));
  const end = window.nextStep;
  const span = end - lo0;
  if (span <= 0) return [];
  // At most min(lines, span) rows lie in the span (one row per step).
  const bound = Math.max(1, Math.min(window.lineCount ?? span, span));
  let size =
    bound <= HISTORY_PAGE_ROWS ? span : Math.max(1, Math.floor((span * FILL * HISTORY_PAGE_ROWS) / bound));
  const rows: Record<string, ExtendedJson>[] = [];
  for (let lo = lo0; lo < end; ) {
    signal?.throwIfAborted();
    const hi = Math.min(end, lo + size);
    const data = await api.graphql<{ project: { run: { history: unknown[] | null } | null } | null }>(
      HISTORY_PAGE,
      { entity, project, run, minStep: lo, maxStep: hi, pageSize: HISTORY_PAGE_ROWS },
      signal,
    );
    const got = data.project?.run?.history ?? [];
    if (got.length >= HISTORY_PAGE_ROWS && hi - lo > 1) {
      size = Math.max(1, Math.floor((hi - lo) / 4)); // possibly down-sampled: read it in quarters
      continue;
    }
    // Run.history is [JSONString]: each row a string to parse (wandb-core: `History []string`).
    for (const line of got) {
      rows.push(parseObject(jsonStringField(line, `${where} history row`), `${where} history row`));
    }
    lo = hi;
    if (got.length < HISTORY_PAGE_ROWS / 4) size *= 2;
  }
  return rows;
}
