/**
 * A W&B run's own metrics and params (for `magtrack report`), read through the adapter's existing
 * documents and parsers:
 *   metrics: the run's full history rows (history-scan.ts readHistoryRows: wandb-core's
 *            HistoryPage in row-sized `_step` windows, never trusting a full page), step = the row's `_step` (what
 *            `wandb.log(..., step=N)` sets); numeric values of keys that are neither magtrack's
 *            (isMagtrackHistoryKey) nor W&B's own ("_step", "_runtime", "_timestamp" …);
 *   params:  the run config (RunResumeStatus `config`, {"key": {"value": …}}), W&B's "_wandb" and
 *            magtrack's own block left out, every value as text.
 */
import type { MetricPoint, RunMetrics } from "../../src/adapter-kit.js";
import type { WandbApi } from "./api.js";
import { isMagtrackHistoryKey } from "./history-rows.js";
import { readHistoryRows } from "./history-scan.js";
import { readResumeStatus } from "./resume-status.js";

const NON_FINITE: Record<string, number> = {
  NaN: Number.NaN,
  Infinity: Number.POSITIVE_INFINITY,
  "-Infinity": Number.NEGATIVE_INFINITY,
};

export async function readWandbRunMetrics(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  keep: (key: string) => boolean,
  signal?: AbortSignal,
): Promise<RunMetrics> {
  const status = await readResumeStatus(api, entity, project, run, signal);
  if (!status) return {};
  const byKey = new Map<string, Map<number, number>>();
  // The whole history, in the same row-sized windows as the result scan (history-scan.ts).
  const window = { start: 0, nextStep: status.nextStep, lineCount: status.historyLineCount };
  for (const row of await readHistoryRows(api, entity, project, run, window, signal)) {
    const step = row._step;
    if (typeof step !== "number" || !Number.isSafeInteger(step)) continue;
    for (const [key, value] of Object.entries(row)) {
      if (key.startsWith("_") || isMagtrackHistoryKey(key) || !keep(key)) continue;
      const number = typeof value === "number" ? value : NON_FINITE[String(value)];
      if (number === undefined) continue;
      const steps = byKey.get(key) ?? new Map<number, number>();
      byKey.set(key, steps);
      steps.set(step, number);
    }
  }
  const out: Record<string, MetricPoint[]> = {};
  for (const [key, steps] of byKey) {
    out[key] = [...steps].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
  }
  return out;
}

export async function readWandbRunParams(
  api: WandbApi,
  entity: string,
  project: string,
  run: string,
  signal?: AbortSignal,
): Promise<Record<string, string>> {
  const status = await readResumeStatus(api, entity, project, run, signal);
  if (!status) return {};
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(status.config)) {
    if (key === "_wandb" || key === "magtrack") continue;
    const value =
      entry && typeof entry === "object" && !Array.isArray(entry) && "value" in entry
        ? (entry as { value: unknown }).value
        : entry;
    out[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
