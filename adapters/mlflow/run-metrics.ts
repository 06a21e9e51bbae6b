/**
 * A run's own metrics and params (for `magtrack report`): the keys of the run's latest metrics
 * (runs/get data.metrics) that the caller keeps, each key's full history (metrics/get-history,
 * max_results always set, all pages: client.ts), one value per step (the latest timestamp wins,
 * as history.ts reads magtrack's own metrics); params as the strings MLflow stores.
 */
import type { MetricPoint, RunMetrics } from "../../src/adapter-kit.js";
import type { MlflowClient } from "./client.js";
import { latestByStep, readHistories } from "./history.js";
import { runIdOf, type WireRun } from "./wire.js";

export async function readMlflowRunMetrics(
  client: MlflowClient,
  run: WireRun | null,
  keep: (key: string) => boolean,
  signal?: AbortSignal,
): Promise<RunMetrics> {
  if (run === null) return {};
  const keys = [...new Set((run.data?.metrics ?? []).map((m) => m.key))].filter(keep).sort();
  const histories = await readHistories(client, runIdOf(run.info), keys, signal);
  const out: Record<string, MetricPoint[]> = {};
  for (const [key, history] of histories) {
    out[key] = [...latestByStep(history)]
      .sort((a, b) => a[0] - b[0])
      .map(([step, value]) => ({ step, value }));
  }
  return out;
}

export function mlflowRunParams(run: WireRun | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const p of run?.data?.params ?? []) out[p.key] = p.value ?? "";
  return out;
}
